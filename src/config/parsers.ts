import { resolve } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../paths.js';
import type { Kind } from './kinds.js';
import { parseTrustProxy } from './trust-proxy.js';

/** The variables that are more than a type: each parser here is named by one entry of the table (table/). */

/** An http(s) origin, kept without a trailing slash (paths are appended to it). */
export function httpUrl() {
  return {
    env: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://api.siliconflow.cn' })
      .transform((v) => v.replace(/\/+$/, '')),
  } as const satisfies Kind;
}

/** A folder, relative to the project folder (so the server finds its data whatever the working directory). */
export function folder() {
  return { env: z.string().transform((v) => resolve(projectRoot, v)) } as const satisfies Kind;
}

/** TRUST_PROXY: see trust-proxy.ts for what Express accepts. */
export function trustProxy() {
  return {
    env: z.string().transform((v, ctx) => {
      const parsed = parseTrustProxy(v);
      if (parsed !== undefined) return parsed;
      ctx.addIssue({
        code: 'custom',
        message: 'must be false, true, a hop count, or proxy addresses such as "127.0.0.1, 10.0.0.0/8, loopback"',
      });
      return z.NEVER;
    }),
  } as const satisfies Kind;
}

const CORS_MESSAGE = 'must be * or a comma-separated list of origins such as https://chat.example, http://localhost:3210';
/** A browser's Origin: scheme://host[:port], nothing after it (a trailing slash is forgiven). */
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]+$/;

/** CORS_ORIGINS: "*", or the origins whose pages may call /v1 from a browser (issue 9, item 19). */
export function corsOrigins() {
  return {
    env: z.string().transform((value, ctx): '*' | readonly string[] => {
      if (value.trim() === '*') return '*';
      const origins = [
        ...new Set(
          value
            .split(',')
            .map((o) => o.trim().replace(/\/$/, '').toLowerCase())
            .filter(Boolean),
        ),
      ];
      if (origins.length > 0 && origins.every((o) => ORIGIN.test(o))) return origins;
      ctx.addIssue({ code: 'custom', message: CORS_MESSAGE });
      return z.NEVER;
    }),
  } as const satisfies Kind;
}
