import Database from 'better-sqlite3';
import { symlinkSync, writeFileSync } from 'node:fs';
import { Agent, get, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DATABASE_FILE } from '../../src/db/database.js';
import { startFakeSiliconFlow, type FakeKeyState } from '../support/fake-siliconflow/index.js';
import { projectRoot } from '../../src/paths.js';
import { chat, fakeKey } from '../helpers/proxy-harness.js';
import { spawnProcess, startServer, tempDir, waitUntil } from '../helpers/processes.js';
import { seedDataDir } from '../helpers/test-app.js';

/**
 * Issue 9, item 11: stopping is bounded. The old shutdown waited for server.close(), which waits for
 * every connection, then gave up after a fixed 10 s and closed the database under streams still
 * running: their clients were cut without an error, their log rows and key states never written,
 * and an idle keep-alive connection alone held the stop for seconds. And `npm start` left the
 * server running when npm's own PID got SIGTERM (npm → sh → node; sh does not pass it on).
 */

type Seeded = Awaited<ReturnType<typeof serverWithKeys>>;

/** A real server process in front of a fake SiliconFlow (in this process), with the keys already in its database. */
async function serverWithKeys(keys: [string, Partial<FakeKeyState>][], env: Record<string, string>) {
  const fake = await startFakeSiliconFlow({ keys: Object.fromEntries(keys) });
  onTestFinished(() => fake.close());
  const dataDir = tempDir();
  const { accessKey } = await seedDataDir(
    { DATA_DIR: dataDir, SILICONFLOW_BASE_URL: fake.url },
    keys.map(([k]) => k),
  );
  const server = startServer({ DATA_DIR: dataDir, SILICONFLOW_BASE_URL: fake.url, LOG_LEVEL: 'info', ...env });
  const base = await server.started();
  const call = (body: unknown) =>
    fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** The server's database once it has exited. */
  const rows = (sql: string) => {
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  };
  return { fake, server, base, call, rows };
}

const shuttingDown = /"msg":"shutting down"/;

/** Reads a body to its end (or fails with what came so far, past the deadline). */
async function readAll(res: Response, timeoutMs: number): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    void reader.cancel();
  }, timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (timedOut) throw new Error(`still streaming after ${timeoutMs} ms:\n${text.slice(-500)}`);
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(deadline);
  }
}

async function exitWithin(s: Seeded, startedAt: number, limitMs: number) {
  const code = await s.server.exited;
  const elapsed = Date.now() - startedAt;
  const { stdout, stderr } = s.server.output();
  expect(elapsed, `stopped after ${elapsed} ms:\n${stdout}\n${stderr}`).toBeLessThan(limitMs);
  return { code, elapsed };
}

describe('stopping the server', () => {
  it('a stream still running at SHUTDOWN_TIMEOUT_MS ends with an error event; its log row and key state are saved; exit 0 soon after', async () => {
    const s = await serverWithKeys([[fakeKey(1), {}]], { SHUTDOWN_TIMEOUT_MS: '1000' });
    const res = await s.call(chat('deepseek-ai/DeepSeek-V3', { stream: true, fake_chunks: 100_000, fake_chunk_delay_ms: 50 }));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // mid-stream
    reader.releaseLock();
    const stoppedAt = Date.now();
    s.server.child.kill('SIGTERM');
    const text = await readAll(res, 5000);
    const endedAfter = Date.now() - stoppedAt;
    const { code } = await exitWithin(s, stoppedAt, 1000 + 1500);
    expect(code).toBe(0);
    // It was let run until the deadline, then ended with an error event a client can show.
    expect(endedAfter).toBeGreaterThanOrEqual(900);
    const last = text.trim().split('\n\n').at(-1)!;
    expect(JSON.parse(last.slice('data: '.length))).toMatchObject({
      error: { code: 50300, message: expect.stringContaining('shutting down') },
    });
    expect(s.rows('SELECT status, stream, error_class, key_id FROM request_logs')).toEqual([
      { status: 200, stream: 1, error_class: 'shutdown', key_id: 1 },
    ]);
    // The key served it and is not blamed for the stop.
    expect(s.rows('SELECT usage_count, failure_count, last_error FROM keys')).toEqual([
      { usage_count: 1, failure_count: 0, last_error: null },
    ]);
  });

  it("a request still waiting for the upstream's answer at the deadline gets an error at once, not another key", async () => {
    const s = await serverWithKeys(
      [
        [fakeKey(1), { behavior: 'hang' }],
        [fakeKey(2), {}],
      ],
      { SHUTDOWN_TIMEOUT_MS: '800' },
    );
    const answer = s.call(chat());
    await waitUntil(
      () => s.fake.requests.length === 1,
      5000,
      () => 'the request did not reach the fake',
    );
    expect(s.fake.requests[0]!.key).toBe(fakeKey(1));
    const stoppedAt = Date.now();
    s.server.child.kill('SIGTERM');
    const res = await answer;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 50300, error: { message: expect.stringContaining('shutting down') } });
    const { code } = await exitWithin(s, stoppedAt, 800 + 1500);
    expect(code).toBe(0);
    expect(s.fake.requests).toHaveLength(1);
    expect(s.rows('SELECT status, error_class, key_id, attempts FROM request_logs')).toEqual([
      { status: 503, error_class: 'shutdown', key_id: 1, attempts: 1 },
    ]);
    expect(s.rows('SELECT failure_count, last_error FROM keys ORDER BY id')).toEqual([
      { failure_count: 0, last_error: null },
      { failure_count: 0, last_error: null },
    ]);
  });

  it('lets in-flight requests finish, refuses new connections meanwhile, and idle keep-alive connections do not hold the stop', async () => {
    const s = await serverWithKeys([[fakeKey(1), { delayMs: 800 }]], { SHUTDOWN_TIMEOUT_MS: '20000' });
    // A keep-alive connection left idle, as a browser or an SDK leaves one (the slow call's becomes another).
    const idle = new Agent({ keepAlive: true });
    onTestFinished(() => idle.destroy());
    const health = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${s.base}/health`, { agent: idle }, resolve).on('error', reject),
    );
    health.resume();
    expect(health.statusCode).toBe(200);
    const slow = s.call(chat());
    await waitUntil(
      () => s.fake.requests.length === 1,
      5000,
      () => 'the request did not reach the fake',
    );
    const stoppedAt = Date.now();
    s.server.child.kill('SIGTERM');
    await s.server.waitForOutput(shuttingDown, 5000);
    const refused = await new Promise<string>((resolve) =>
      get(`${s.base}/health`, { agent: false }, (r: IncomingMessage) => resolve(`answered ${r.statusCode}`)).on(
        'error',
        (e: NodeJS.ErrnoException) => resolve(e.code!),
      ),
    );
    expect(refused).toBe('ECONNREFUSED');
    const res = await slow;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
    // Well before SHUTDOWN_TIMEOUT_MS: nothing but the one slow request was waited for.
    const { code } = await exitWithin(s, stoppedAt, 800 + 1500);
    expect(code).toBe(0);
    expect(s.rows('SELECT status, error_class FROM request_logs')).toEqual([{ status: 200, error_class: null }]);
  });

  it('a second Ctrl-C exits at once', async () => {
    const s = await serverWithKeys([[fakeKey(1), { behavior: 'hang' }]], { SHUTDOWN_TIMEOUT_MS: '30000' });
    void s.call(chat()).catch(() => undefined);
    await waitUntil(
      () => s.fake.requests.length === 1,
      5000,
      () => 'the request did not reach the fake',
    );
    s.server.child.kill('SIGINT');
    await s.server.waitForOutput(shuttingDown, 5000);
    const secondAt = Date.now();
    s.server.child.kill('SIGINT');
    const { code } = await exitWithin(s, secondAt, 1000);
    expect(code).toBe(130);
  });
});

describe.skipIf(process.platform === 'win32')('npm start', () => {
  it("stops the server when npm's own PID gets SIGTERM: no orphan left behind", async () => {
    // The real chain — npm → sh -c "node <entry>" → node — with the entry run through tsx, so that
    // the test needs no build (npm start's prestart compiles the whole project).
    const dir = tempDir();
    symlinkSync(join(projectRoot, 'node_modules'), join(dir, 'node_modules'));
    const start = `node --import tsx ${join(projectRoot, 'src', 'server.ts')}`;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'npm-start-test', private: true, scripts: { start } }));
    const npm = spawnProcess('npm', ['start', '--silent'], {
      cwd: dir,
      // Its own process group: the test can see when everything npm started has gone, and kill what is left.
      detached: true,
      env: { DATA_DIR: join(dir, 'data'), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
    });
    const base = (await npm.waitForOutput(/User page .*(http:\/\/[^/\s]+)\//))[1]!;
    const stoppedAt = Date.now();
    process.kill(npm.child.pid!, 'SIGTERM');
    // The output pipe closes once the last process holding it — npm, sh and the server — has exited.
    let gone = false;
    void npm.closed.then(() => (gone = true));
    await waitUntil(
      () => gone,
      10_000,
      () => `the server outlived npm by ${Date.now() - stoppedAt} ms:\n${npm.output().stdout}\n${npm.output().stderr}`,
    );
    expect(npm.output().stdout).toMatch(shuttingDown);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  }, 40_000);
});
