import { resolve } from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import { projectRoot } from '../paths.js';

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
  return z.preprocess(emptyToUndefined, z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message }).default(def));
};

export const cronExpression = z
  .string()
  .refine((v) => cron.validate(v), { message: 'must be a valid cron expression, e.g. "*/30 * * * *"' });

/** Every variable the server reads, with its default. `.env.example` documents the same list. */
const envSchema = z.object({
  PORT: int(0, 65535, 3000),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  ADMIN_USERNAME: z.preprocess(emptyToUndefined, z.string().max(64).default('admin')),
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().max(256).default('admin')),
  AUTH_API_KEY: z.preprocess(
    emptyToUndefined,
    z.string().min(16, 'must be at least 16 characters').max(256).optional(),
  ),
  PAGE_SIZE: int(1, 500, 20),
  ACCESS_CONTROL: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.toLowerCase()) : v),
    z.enum(ACCESS_CONTROL_MODES, { message: 'must be one of open, restricted, private' }).default('open'),
  ),
  GUEST_PASSWORD: optionalString,
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
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.string().default('loopback')),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  ),
});

export type Config = Readonly<{
  port: number;
  host: string;
  adminUsername: string;
  adminPassword: string;
  authApiKey: string | undefined;
  siliconflowBaseUrl: string;
  dataDir: string;
  sessionSecret: string | undefined;
  encryptionKey: string | undefined;
  checkTimeoutMs: number;
  trustProxy: string;
  logLevel: string;
  /** Initial values of the settings the admin can change at runtime (see settings-service). */
  runtime: Readonly<RuntimeDefaults>;
}>;

export type RuntimeDefaults = {
  accessControl: AccessControl;
  guestPassword: string | undefined;
  pageSize: number;
  balanceRefreshCron: string;
  checkConcurrency: number;
  checkIntervalMs: number;
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
    siliconflowBaseUrl: e.SILICONFLOW_BASE_URL.replace(/\/+$/, ''),
    dataDir: resolve(projectRoot, e.DATA_DIR),
    sessionSecret: e.SESSION_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    checkTimeoutMs: e.CHECK_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    runtime: Object.freeze({
      accessControl: e.ACCESS_CONTROL,
      guestPassword: e.GUEST_PASSWORD,
      pageSize: e.PAGE_SIZE,
      balanceRefreshCron: e.BALANCE_REFRESH_CRON,
      checkConcurrency: e.CHECK_CONCURRENCY,
      checkIntervalMs: e.CHECK_INTERVAL_MS,
    }),
  });
}
