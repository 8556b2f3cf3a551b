import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { runScript, tempDir } from '../helpers/processes.js';

/**
 * npm run demo used DATA_DIR from the shell (so it could seed demo keys into the real database) and
 * kept data/demo between runs (so a changed admin password stuck, and the banner's counts described
 * an earlier run's state). Issue 9, item 14: its own database, fresh on every run.
 */

async function startDemo(env: Record<string, string>) {
  const demo = runScript('scripts/demo.ts', { PORT: '0', HOST: '127.0.0.1', ...env });
  const base = (await demo.waitForOutput(/User page .*(http:\/\/[^/\s]+)\//, 30_000))[1]!;
  return { ...demo, base };
}

async function login(base: string, password: string) {
  return fetch(`${base}/admin/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
}

describe('npm run demo', () => {
  it('ignores DATA_DIR from the shell and starts fresh on every run: admin / admin works and the counts are the same', async () => {
    const shellDataDir = tempDir();
    const first = await startDemo({ DATA_DIR: shellDataDir });
    const { stdout } = first.output();
    expect(stdout).toContain(join(projectRoot, 'data', 'demo'));
    expect(stdout).toMatch(/every run starts fresh/i);
    const counts = /Demo: fake SiliconFlow at \S+ with (.*)/.exec(stdout)![1];
    const signedIn = await login(first.base, 'admin');
    expect(signedIn.status).toBe(200);
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
    const changed = await fetch(`${first.base}/admin/api/password`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': csrfToken,
        cookie: signedIn.headers.get('set-cookie')!.split(';')[0]!,
      },
      body: JSON.stringify({ current: 'admin', next: 'changed-in-the-first-run' }),
    });
    expect(changed.status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(readdirSync(shellDataDir)).toEqual([]);

    const second = await startDemo({ DATA_DIR: shellDataDir });
    expect((await login(second.base, 'admin')).status).toBe(200);
    expect(/Demo: fake SiliconFlow at \S+ with (.*)/.exec(second.output().stdout)![1]).toBe(counts);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
