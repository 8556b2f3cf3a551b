import { resolve } from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import { projectRoot } from '../paths.js';
import { DEFAULT_FREE_MODELS } from '../siliconflow/models.js';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.js';

export const ACCESS_CONTROL_MODES = ['open', 'restricted', 'private'] as const;
export type AccessControl = (typeof ACCESS_CONTROL_MODES)[number];

/** A start-up configuration error: printed as one line, then the process exits non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const int = (min: number, max: number, def: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message }).default(def),
  );
};

export const KEY_STRATEGIES = ['round-robin', 'random', 'balance-weighted', 'highest-balance', 'lowest-balance', 'least-used'] as const;
export type KeyStrategy = (typeof KEY_STRATEGIES)[number];

/** A comma- or newline-separated list of model ids. */
export const modelList = z.string().transform((v) => [...new Set(v.split(/[\s,]+/).filter(Boolean))]);

/** true/false (also 1/0, yes/no). */
const flag = (def: boolean) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.trim().toLowerCase()) : v),
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .transform((v) => v === 'true' || v === '1' || v === 'yes')
      .default(def),
  );

export const cronExpression = z
  .string()
  .refine((v) => cron.validate(v), { message: 'must be a valid cron expression, e.g. "*/30 * * * *"' });

const CORS_MESSAGE = 'must be * or a comma-separated list of origins such as https://chat.example, http://localhost:3210';
/** A browser's Origin: scheme://host[:port], nothing after it (a trailing slash is forgiven). */
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]+$/;

/** CORS_ORIGINS: "*", or the origins whose pages may call /v1 from a browser. */
const corsOrigins = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('*')
    .transform((value, ctx): '*' | string[] => {
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
);

/** Every variable the server reads, with its default. `.env.example` documents the same list. */
const envSchema = z.object({
  PORT: int(0, 65535, 3000),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  ADMIN_USERNAME: z.preprocess(emptyToUndefined, z.string().max(64).default('admin')),
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().max(256).default('admin')),
  AUTH_API_KEY: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').max(256).optional()),
  CORS_ORIGINS: corsOrigins,
  PAGE_SIZE: int(1, 500, 20),
  ACCESS_CONTROL: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.toLowerCase()) : v),
    z.enum(ACCESS_CONTROL_MODES, { message: 'must be one of open, restricted, private' }).default('open'),
  ),
  GUEST_PASSWORD: optionalString,
  SHOW_ACCESS_KEY_TO_GUESTS: flag(false),
  SHARE_KEYS_WITH_GUESTS: flag(false),
  KEY_CHECKER: flag(true),
  SILICONFLOW_BASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://api.siliconflow.cn' })
      .default('https://api.siliconflow.cn'),
  ),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
  ENCRYPTION_KEY: optionalString,
  BALANCE_REFRESH_CRON: z.preprocess(emptyToUndefined, cronExpression.default('*/30 * * * *')),
  CHECK_CONCURRENCY: int(1, 64, 8),
  CHECK_INTERVAL_MS: int(0, 60_000, 100),
  CHECK_TIMEOUT_MS: int(1000, 120_000, 15_000),
  KEY_STRATEGY: z.preprocess(
    emptyToUndefined,
    z.enum(KEY_STRATEGIES, { message: `must be one of ${KEY_STRATEGIES.join(', ')}` }).default('round-robin'),
  ),
  FREE_MODELS: z.preprocess(emptyToUndefined, modelList.optional()),
  MAX_BODY_BYTES: int(1024, 1024 * 1024 * 1024, 50 * 1024 * 1024),
  CONNECT_TIMEOUT_MS: int(100, 600_000, 10_000),
  FIRST_BYTE_TIMEOUT_MS: int(100, 3_600_000, 120_000),
  IDLE_TIMEOUT_MS: int(100, 3_600_000, 120_000),
  MAX_KEY_TRIES: int(1, 1000, 10),
  MAX_ATTEMPTS: int(1, 20, 3),
  COOLDOWN_SECONDS: int(1, 86_400, 60),
  POOL_BACKOFF_SECONDS: int(1, 86_400, 120),
  ERROR_AFTER_FAILURES: int(1, 1000, 3),
  LOG_RETENTION_DAYS: int(1, 3650, 30),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000, 10_000),
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('false')
      .transform((v, ctx) => {
        const parsed = parseTrustProxy(v);
        if (parsed === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be false, true, a hop count, or proxy addresses such as "127.0.0.1, 10.0.0.0/8, loopback"',
          });
          return z.NEVER;
        }
        return parsed;
      }),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  ),
});

/** Every variable the server reads (tested against .env.example). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

export type Config = Readonly<{
  port: number;
  host: string;
  adminUsername: string;
  adminPassword: string;
  authApiKey: string | undefined;
  /** Origins whose pages may call /v1 from a browser, or '*' for any (issue 9, item 19). */
  corsOrigins: '*' | readonly string[];
  siliconflowBaseUrl: string;
  dataDir: string;
  sessionSecret: string | undefined;
  encryptionKey: string | undefined;
  checkTimeoutMs: number;
  trustProxy: TrustProxy;
  logLevel: string;
  /** How long a stop lets in-flight requests run before it ends them (server-runtime.ts). */
  shutdownTimeoutMs: number;
  proxy: Readonly<ProxyLimits>;
  /** Initial values of the settings the admin can change at runtime (see settings-service). */
  runtime: Readonly<RuntimeDefaults>;
}>;

/** Proxy limits that only the environment sets (see .env.example). */
export type ProxyLimits = {
  maxBodyBytes: number;
  maxKeyTries: number;
  maxAttempts: number;
  cooldownMs: number;
  poolBackoffMs: number;
  errorAfterFailures: number;
  logRetentionDays: number;
};

export type RuntimeDefaults = {
  accessControl: AccessControl;
  guestPassword: string | undefined;
  showAccessKeyToGuests: boolean;
  shareKeysWithGuests: boolean;
  keyChecker: boolean;
  pageSize: number;
  balanceRefreshCron: string;
  checkConcurrency: number;
  checkIntervalMs: number;
  keyStrategy: KeyStrategy;
  freeModels: string[];
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
};

/** Validates the environment once; a bad value throws ConfigError naming the variable and what is allowed. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  if (e.ACCESS_CONTROL === 'restricted' && !e.GUEST_PASSWORD) {
    throw new ConfigError('GUEST_PASSWORD must be set when ACCESS_CONTROL is restricted');
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    adminUsername: e.ADMIN_USERNAME,
    adminPassword: e.ADMIN_PASSWORD,
    authApiKey: e.AUTH_API_KEY,
    corsOrigins: e.CORS_ORIGINS,
    siliconflowBaseUrl: e.SILICONFLOW_BASE_URL.replace(/\/+$/, ''),
    dataDir: resolve(projectRoot, e.DATA_DIR),
    sessionSecret: e.SESSION_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    checkTimeoutMs: e.CHECK_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    proxy: Object.freeze({
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxKeyTries: e.MAX_KEY_TRIES,
      maxAttempts: e.MAX_ATTEMPTS,
      cooldownMs: e.COOLDOWN_SECONDS * 1000,
      poolBackoffMs: e.POOL_BACKOFF_SECONDS * 1000,
      errorAfterFailures: e.ERROR_AFTER_FAILURES,
      logRetentionDays: e.LOG_RETENTION_DAYS,
    }),
    runtime: Object.freeze({
      accessControl: e.ACCESS_CONTROL,
      guestPassword: e.GUEST_PASSWORD,
      showAccessKeyToGuests: e.SHOW_ACCESS_KEY_TO_GUESTS,
      shareKeysWithGuests: e.SHARE_KEYS_WITH_GUESTS,
      keyChecker: e.KEY_CHECKER,
      pageSize: e.PAGE_SIZE,
      balanceRefreshCron: e.BALANCE_REFRESH_CRON,
      checkConcurrency: e.CHECK_CONCURRENCY,
      checkIntervalMs: e.CHECK_INTERVAL_MS,
      keyStrategy: e.KEY_STRATEGY,
      freeModels: e.FREE_MODELS ?? DEFAULT_FREE_MODELS,
      connectTimeoutMs: e.CONNECT_TIMEOUT_MS,
      firstByteTimeoutMs: e.FIRST_BYTE_TIMEOUT_MS,
      idleTimeoutMs: e.IDLE_TIMEOUT_MS,
    }),
  });
}
