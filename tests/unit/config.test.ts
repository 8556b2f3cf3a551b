import { describe, expect, it } from 'vitest';
import dotenv from 'dotenv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_VARIABLES, loadConfig } from '../../src/config/env.js';
import { DEFAULT_FREE_MODELS, DEFAULT_MODEL_ALIASES } from '../../src/siliconflow/models.js';
import { projectRoot } from '../../src/paths.js';

const CORS_MESSAGE = 'CORS_ORIGINS must be * or a comma-separated list of origins such as https://chat.example, http://localhost:3210';

const fails = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

const TRUST_PROXY_MESSAGE = 'TRUST_PROXY must be false, true, a hop count, or proxy addresses such as "127.0.0.1, 10.0.0.0/8, loopback"';

describe('loadConfig', () => {
  it('starts with no variables at all, on the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      adminUsername: 'admin',
      siliconflowBaseUrl: 'https://api.siliconflow.cn',
      shutdownTimeoutMs: 10_000,
    });
    expect(c.runtime).toEqual({
      accessControl: 'open',
      guestPassword: undefined,
      showAccessKeyToGuests: false,
      shareKeysWithGuests: false,
      keyChecker: true,
      pageSize: 20,
      guestSelfService: false,
      selfIssueFreeOnly: true,
      selfIssueModels: [],
      selfIssueDailyBudget: '1',
      selfIssueDays: 30,
      selfIssueRpm: 20,
      selfIssueMaxKeys: 100,
      balanceRefreshCron: '*/30 * * * *',
      checkConcurrency: 8,
      checkIntervalMs: 100,
      keyStrategy: 'round-robin',
      freeModels: DEFAULT_FREE_MODELS,
      modelAliases: DEFAULT_MODEL_ALIASES,
      minBalance: '0',
      paidRecheckMinutes: 60,
      connectTimeoutMs: 10_000,
      firstByteTimeoutMs: 120_000,
      idleTimeoutMs: 120_000,
      accountLimits: [],
      // Issue 13, recovery (src/config/table/recovery.ts).
      errorRetryMaxMinutes: 60,
      exhaustedProbeHours: 24,
      invalidRecheckDays: 7,
      // Issue 14, alert engine (src/config/table/alerts.ts).
      alertCheckSeconds: 15,
    });
    expect(c.exhaustedProbeModel).toBe('deepseek-ai/DeepSeek-V3');
    expect(c.proxy).toEqual({
      maxBodyBytes: 50 * 1024 * 1024,
      maxKeyTries: 10,
      maxAttempts: 3,
      cooldownMs: 60_000,
      poolBackoffMs: 120_000,
      errorAfterFailures: 3,
      logRetentionDays: 30,
      firstEventHoldMs: 5000,
      heartbeatMs: 15_000,
    });
  });

  it.each([
    [{ ACCESS_CONTROL: 'public' }, 'ACCESS_CONTROL must be one of open, restricted, private'],
    [{ PORT: 'eighty' }, 'PORT must be a whole number from 0 to 65535'],
    [{ CHECK_CONCURRENCY: '0' }, 'CHECK_CONCURRENCY must be a whole number from 1 to 64'],
    [{ SILICONFLOW_BASE_URL: 'api.siliconflow.cn' }, 'SILICONFLOW_BASE_URL must be an http(s) URL such as https://api.siliconflow.cn'],
    [{ BALANCE_REFRESH_CRON: 'every hour' }, 'BALANCE_REFRESH_CRON must be a valid cron expression, e.g. "*/30 * * * *"'],
    [{ ACCESS_CONTROL: 'restricted' }, 'GUEST_PASSWORD must be set when ACCESS_CONTROL is restricted'],
    [{ AUTH_API_KEY: 'short' }, 'AUTH_API_KEY must be at least 16 characters'],
    [
      { KEY_STRATEGY: 'fastest' },
      'KEY_STRATEGY must be one of round-robin, random, balance-weighted, highest-balance, lowest-balance, least-used',
    ],
    [{ MAX_KEY_TRIES: '0' }, 'MAX_KEY_TRIES must be a whole number from 1 to 1000'],
    [{ MIN_BALANCE: '-0.5' }, 'MIN_BALANCE must be an amount in yuan such as "0" or "0.5", not negative'],
    [{ MIN_BALANCE: '¥1' }, 'MIN_BALANCE must be an amount in yuan such as "0" or "0.5", not negative'],
    [{ PAID_RECHECK_MINUTES: '10081' }, 'PAID_RECHECK_MINUTES must be a whole number from 1 to 10080'],
    [{ SHARE_KEYS_WITH_GUESTS: 'maybe' }, 'SHARE_KEYS_WITH_GUESTS must be true or false'],
    [{ TRUST_PROXY: 'banana' }, TRUST_PROXY_MESSAGE],
    [{ TRUST_PROXY: 'loopback, banana' }, TRUST_PROXY_MESSAGE],
    [{ TRUST_PROXY: '10.0.0.0/33' }, TRUST_PROXY_MESSAGE],
    [{ TRUST_PROXY: '10.0.0.0/8/8' }, TRUST_PROXY_MESSAGE],
    [{ CORS_ORIGINS: 'chat.example' }, CORS_MESSAGE],
    [{ CORS_ORIGINS: 'https://chat.example/app' }, CORS_MESSAGE],
    [{ CORS_ORIGINS: 'https://a.example, *' }, CORS_MESSAGE],
    [{ SHUTDOWN_TIMEOUT_MS: '10s' }, 'SHUTDOWN_TIMEOUT_MS must be a whole number from 0 to 600000'],
  ])('%j → one line naming the variable', (env, message) => {
    expect(fails(env)).toBe(message);
  });

  it.each([
    ['', false],
    ['false', false],
    ['TRUE', true],
    ['2', 2],
    ['loopback', ['loopback']],
    ['loopback, 10.0.0.0/8 ,192.168.1.10', ['loopback', '10.0.0.0/8', '192.168.1.10']],
    ['::1/128, fd00::/8, uniquelocal', ['::1/128', 'fd00::/8', 'uniquelocal']],
    ['10.0.0.0/255.0.0.0', ['10.0.0.0/255.0.0.0']],
  ])('reads TRUST_PROXY=%j as %j (X-Forwarded-For is ignored unless a proxy is named)', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('reads CORS_ORIGINS as * or a comma-separated list of origins', () => {
    expect(loadConfig({}).corsOrigins).toBe('*');
    expect(loadConfig({ CORS_ORIGINS: ' * ' }).corsOrigins).toBe('*');
    expect(loadConfig({ CORS_ORIGINS: 'https://chat.example, http://localhost:3210,,https://chat.example' }).corsOrigins).toEqual([
      'https://chat.example',
      'http://localhost:3210',
    ]);
  });

  it('reads FREE_MODELS as a comma- or space-separated list', () => {
    expect(loadConfig({ FREE_MODELS: 'a/b, c/d\n e/f,,a/b' }).runtime.freeModels).toEqual(['a/b', 'c/d', 'e/f']);
  });

  it('reads MODEL_ALIASES as alias=model pairs, comma- or newline-separated, and dies on a bad pair naming it', () => {
    expect(loadConfig({ MODEL_ALIASES: 'gpt-4o = a/b,\n old=c/d' }).runtime.modelAliases).toEqual(['gpt-4o=a/b', 'old=c/d']);
    expect(loadConfig({ MODEL_ALIASES: 'none' }).runtime.modelAliases).toEqual([]);
    expect(() => loadConfig({ MODEL_ALIASES: 'gpt-4o=a/b,oops' })).toThrow(/MODEL_ALIASES.*line 2 "oops": must be alias=model/);
  });

  it('treats empty values as unset and strips a trailing slash from the base URL', () => {
    const c = loadConfig({ PORT: '', SILICONFLOW_BASE_URL: 'http://127.0.0.1:9999/' });
    expect(c.port).toBe(3000);
    expect(c.siliconflowBaseUrl).toBe('http://127.0.0.1:9999');
  });

  it('.env.example documents every variable, and copied as is gives exactly the defaults', () => {
    const example = dotenv.parse(readFileSync(join(projectRoot, '.env.example')));
    expect(Object.keys(example).sort()).toEqual([...ENV_VARIABLES].sort());
    expect(loadConfig(example)).toEqual(loadConfig({}));
  });
});
