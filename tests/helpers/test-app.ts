import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { expect } from 'vitest';
import { createApp } from '../../src/app.js';
import { createHttpServer } from '../../src/http-server.js';
import { unlimitedClient, type ClientSettings } from '../../src/clients/client-types.js';
import { loadConfig } from '../../src/config/env.js';
import { createContext, type AppContext } from '../../src/context.js';
import { startFakeSiliconFlow, type FakeKeyState, type FakeSiliconFlow } from '../support/fake-siliconflow/index.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import type { Server } from 'node:http';
import type { AlertSink } from '../../src/alerts/alert-types.js';
import type { AddressInfo } from 'node:net';
import type { DeliveryOptions } from '../../src/alerts/delivery.js';

/**
 * The admin password of test apps: not the default "admin", which locks the admin API until it is
 * changed (tests of that lock pass ADMIN_PASSWORD: DEFAULT_PASSWORD themselves).
 */
export const TEST_ADMIN_PASSWORD = 'test-admin-password';

export type TestApp = {
  app: Express;
  ctx: AppContext;
  fake: FakeSiliconFlow;
  dataDir: string;
  /** Listens on a random local port (closed with the app); returns the base URL. */
  listen(): Promise<string>;
  /** A new context and app on the same data directory, as after a restart. */
  restart(env?: Record<string, string>): TestApp;
  close(): Promise<void>;
};

/** A real app on a fresh temporary data directory, pointed at a real fake SiliconFlow on a random port. */
export async function startTestApp(
  options: {
    env?: Record<string, string>;
    keys?: Record<string, Partial<FakeKeyState>>;
    fake?: FakeSiliconFlow;
    /** Defaults to a fake SiliconFlow; give a URL to point the app elsewhere (a hand-made upstream). */
    upstreamUrl?: string;
    /** A path prefix after the fake's origin, as in SILICONFLOW_BASE_URL=https://gateway.example/siliconflow. */
    upstreamPath?: string;
    logger?: Logger;
    /** Issue 14, delivery: the alert queue's pacing (short retry delays and timeouts in tests). */
    alertDelivery?: Partial<DeliveryOptions>;
    /** Issue 14: sinks that get every alert message besides the log (each restart's engine sends to them too). */
    alertSinks?: AlertSink[];
  } = {},
): Promise<TestApp> {
  const fake = options.fake ?? (await startFakeSiliconFlow({ keys: options.keys }));
  const dataDir = mkdtempSync(join(tmpdir(), 'sfm-test-'));
  const contexts: AppContext[] = [];
  const build = (env: Record<string, string> = {}): TestApp => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      SILICONFLOW_BASE_URL: options.upstreamUrl ?? fake.url + (options.upstreamPath ?? ''),
      CHECK_INTERVAL_MS: '0',
      CHECK_TIMEOUT_MS: '2000',
      ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      ...options.env,
      ...env,
    });
    const ctx = createContext(config, {
      logger: options.logger ?? silentLogger,
      alertSinks: options.alertSinks,
      alertDelivery: options.alertDelivery,
    });
    contexts.push(ctx);
    const app = createApp(ctx.appDeps);
    const listen = () =>
      new Promise<string>((resolve) => {
        // The same server as the real one (/v1 bypasses Express; CONNECT and unknown methods get 405).
        const server = createHttpServer(ctx.appDeps);
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
        servers.push(server);
      });
    return { app, ctx, fake, dataDir, listen, restart: (e) => build(e), close };
  };
  const servers: Server[] = [];
  const close = async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    for (const ctx of contexts) await ctx.close();
    if (!options.fake) await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return build();
}

export type Admin = { agent: ReturnType<typeof request.agent>; csrf: string };

/**
 * A data folder holding these pool keys, as a server process started on it will find them (the
 * settings that must agree, such as DATA_DIR, in `env`). Returns the access key its clients use.
 */
export async function seedDataDir(env: Record<string, string>, keys: string[]): Promise<{ accessKey: string }> {
  const ctx = createContext(loadConfig(env), { logger: silentLogger });
  try {
    ctx.keys.import(keys.join('\n'));
    return { accessKey: ctx.accessKey.current().key };
  } finally {
    await ctx.close();
  }
}

/** Signs in (the test app's credentials unless given) and returns a cookie-keeping agent plus the CSRF token. */
export async function signIn(app: Express, username = 'admin', password = TEST_ADMIN_PASSWORD): Promise<Admin> {
  const agent = request.agent(app);
  const res = await agent.post('/admin/api/login').send({ username, password });
  expect(res.status).toBe(200);
  return { agent, csrf: res.body.csrfToken as string };
}

/** A deterministic key in SiliconFlow's usual shape: `sk-` + 48 lowercase letters. */
export function fakeKey(seed: number | string): string {
  let out = '';
  let x = typeof seed === 'number' ? seed + 1 : [...seed].reduce((a, c) => a * 31 + c.charCodeAt(0), 7);
  for (let i = 0; i < 48; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += String.fromCharCode(97 + (x % 26));
  }
  return `sk-${out}`;
}

/** Polls until the job is no longer running (with a deadline, so a regression fails instead of hanging). */
export async function waitForJob(admin: Admin, jobId: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await admin.agent.get(`/admin/api/jobs/${jobId}`);
    expect(res.status).toBe(200);
    if (res.body.state !== 'running') return res.body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A client key's settings: no limit unless given. */
export function clientSettings(settings: Partial<ClientSettings> = {}): ClientSettings {
  return unlimitedClient('friend', settings);
}

/** A data folder holding these pool keys and one client key, for a server process to start on; returns the client key and id. */
export async function seedClientKey(env: Record<string, string>, keys: string[], settings: Partial<ClientSettings>) {
  const ctx = createContext(loadConfig(env), { logger: silentLogger });
  try {
    ctx.keys.import(keys.join('\n'));
    const { key, client } = ctx.clients.create(clientSettings(settings));
    return { key, id: client.id };
  } finally {
    await ctx.close();
  }
}
