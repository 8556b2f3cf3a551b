import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { lanAddresses } from '../../src/server-runtime.js';

function runScript(script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: projectRoot, env: { PATH: process.env.PATH ?? '', ...env } });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  return new Promise<{ code: number | null; stdout: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout })));
}

/** The real entry point, as `npm start` runs it (through tsx here, so no build is needed). */
function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = async (timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    const userPage = /User page .*(http:\/\/[^/\s]+)\//;
    while (!userPage.test(stdout)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return userPage.exec(stdout)![1]!;
  };
  return { child, started, exited, output: () => ({ stdout, stderr }) };
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sfm-server-'));
  dirs.push(dir);
  return dir;
};

describe('the server process', () => {
  it('starts with no configuration, prints the URLs and a generated access key once, serves /health, and stops on SIGTERM', async () => {
    const dataDir = join(tempDir(), 'data');
    const first = startServer({ DATA_DIR: dataDir });
    children.push(first.child);
    const base = await first.started();
    const { stdout } = first.output();
    expect(stdout).toContain(`${base}/admin`);
    expect(stdout).toMatch(/Access key .*: sfm-[A-Za-z0-9_-]{40}/);
    expect(stdout).toMatch(/admin password is the default/);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = startServer({ DATA_DIR: dataDir });
    children.push(second.child);
    await second.started();
    expect(second.output().stdout).not.toMatch(/sfm-[A-Za-z0-9_-]{40}/);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('listening on every interface, prints this machine\'s LAN addresses too', async () => {
    const server = startServer({ DATA_DIR: tempDir(), HOST: '0.0.0.0' });
    children.push(server.child);
    const base = await server.started();
    expect(base).toMatch(/^http:\/\/localhost:\d+$/);
    const port = base.split(':').at(-1);
    const printed = [...server.output().stdout.matchAll(/Network .*?:\s+(http:\S+)/g)].map((m) => m[1]);
    expect(printed).toEqual(lanAddresses().map((ip) => `http://${ip}:${port}/`));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('lists only external IPv4 addresses as LAN addresses', () => {
    const nic = (address: string, family: 'IPv4' | 'IPv6', internal: boolean) => ({ address, family, internal, netmask: '', mac: '', cidr: null, scopeid: 0 }) as never;
    expect(
      lanAddresses({
        lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
        eth0: [nic('192.168.1.5', 'IPv4', false), nic('fe80::1', 'IPv6', false)],
        wlan0: [nic('10.0.0.7', 'IPv4', false)],
      }),
    ).toEqual(['192.168.1.5', '10.0.0.7']);
  });

  it.each([
    [{ ACCESS_CONTROL: 'everyone' }, 'Configuration error: ACCESS_CONTROL must be one of open, restricted, private'],
    [{ PORT: '99999' }, 'Configuration error: PORT must be a whole number from 0 to 65535'],
    [{ ENCRYPTION_KEY: 'abc' }, 'Configuration error: ENCRYPTION_KEY must be 32 bytes written as 64 hex characters or as base64'],
  ])('refuses to start on %j with exit code 1 and one line naming the variable', async (env, line) => {
    const server = startServer({ DATA_DIR: tempDir(), ...env });
    children.push(server.child);
    expect(await server.exited).toBe(1);
    expect(server.output().stderr.trim()).toBe(line);
  });

  it('refuses to start when ENCRYPTION_KEY differs from the one that encrypted the database', async () => {
    const dataDir = tempDir();
    const first = startServer({ DATA_DIR: dataDir, ENCRYPTION_KEY: 'a'.repeat(64) });
    children.push(first.child);
    await first.started();
    first.child.kill('SIGTERM');
    await first.exited;
    const second = startServer({ DATA_DIR: dataDir, ENCRYPTION_KEY: 'b'.repeat(64) });
    children.push(second.child);
    expect(await second.exited).toBe(1);
    expect(second.output().stderr).toMatch(/^Configuration error: ENCRYPTION_KEY does not match/);
  });

  it('reset-admin-password brings ADMIN_PASSWORD back after a forgotten password, and signs everyone out', async () => {
    const dataDir = tempDir();
    const server = startServer({ DATA_DIR: dataDir });
    children.push(server.child);
    const base = await server.started();
    const login = (password: string) =>
      fetch(`${base}/admin/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    const signedIn = await login('admin');
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const changed = await fetch(`${base}/admin/api/password`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken, cookie },
      body: JSON.stringify({ current: 'admin', next: 'forgotten-password' }),
    });
    expect(changed.status).toBe(200);
    expect((await login('admin')).status).toBe(401);

    const reset = await runScript('scripts/reset-admin-password.ts', { DATA_DIR: dataDir });
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/ADMIN_PASSWORD again/);
    expect((await login('admin')).status).toBe(200);
    expect((await fetch(`${base}/admin/api/session`, { headers: { cookie } })).status).toBe(401);
  });
});
