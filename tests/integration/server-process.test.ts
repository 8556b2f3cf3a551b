import { existsSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lanAddresses } from '../../src/banner.js';
import { runScript, startServer, tempDir } from '../helpers/processes.js';

/** Runs a script to its end. */
async function run(script: string, env: Record<string, string>) {
  const child = runScript(script, env);
  const code = await child.exited;
  return { code, ...child.output() };
}

describe('the server process', () => {
  it('starts with no configuration, prints the URLs and a generated access key once, serves /health, and stops on SIGTERM', async () => {
    const dataDir = join(tempDir(), 'data');
    const first = startServer({ DATA_DIR: dataDir });
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
    await second.started();
    expect(second.output().stdout).not.toMatch(/sfm-[A-Za-z0-9_-]{40}/);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('keeps printing a generated access key until a start gets as far as its banner; later banners say where to see it', async () => {
    // Issue 9, item 12: the first start generated and stored the key, then failed to listen — and no
    // later start printed it, so the only copy was in the database, encrypted.
    const dataDir = tempDir();
    const blocker = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    const failed = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    expect(await failed.exited).toBe(1);
    expect(failed.output().stderr.trim()).toBe(`Port ${port} is already in use: stop the other program or set PORT.`);
    await new Promise((r) => blocker.close(r));

    const next = startServer({ DATA_DIR: dataDir });
    const base = await next.started();
    const key = /Access key .*: (sfm-[A-Za-z0-9_-]{40})/.exec(next.output().stdout)?.[1];
    expect(key, next.output().stdout).toBeDefined();
    const models = await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(models.status).not.toBe(401);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);

    const later = startServer({ DATA_DIR: dataDir });
    await later.started();
    expect(later.output().stdout).not.toContain(key);
    expect(later.output().stdout).toMatch(/Access key .*\/admin .*GET \/admin\/api\/access-key/);
    later.child.kill('SIGTERM');
    expect(await later.exited).toBe(0);
  });

  it("listening on every interface, prints this machine's LAN addresses too", async () => {
    const server = startServer({ DATA_DIR: tempDir(), HOST: '0.0.0.0' });
    const base = await server.started();
    expect(base).toMatch(/^http:\/\/localhost:\d+$/);
    const port = base.split(':').at(-1);
    const printed = [...server.output().stdout.matchAll(/Network .*?:\s+(http:\S+)/g)].map((m) => m[1]);
    expect(printed).toEqual(lanAddresses().map((ip) => `http://${ip}:${port}/`));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('lists only external IPv4 addresses as LAN addresses', () => {
    const nic = (address: string, family: 'IPv4' | 'IPv6', internal: boolean) =>
      ({ address, family, internal, netmask: '', mac: '', cidr: null, scopeid: 0 }) as never;
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
    [{ SHUTDOWN_TIMEOUT_MS: '-1' }, 'Configuration error: SHUTDOWN_TIMEOUT_MS must be a whole number from 0 to 600000'],
    [
      { TRUST_PROXY: 'banana' },
      'Configuration error: TRUST_PROXY must be false, true, a hop count, or proxy addresses such as "127.0.0.1, 10.0.0.0/8, loopback"',
    ],
  ])('refuses to start on %j with exit code 1 and one line naming the variable', async (env, line) => {
    const server = startServer({ DATA_DIR: tempDir(), ...env });
    expect(await server.exited).toBe(1);
    expect(server.output().stderr.trim()).toBe(line);
  });

  it('refuses to start when ENCRYPTION_KEY differs from the one that encrypted the database', async () => {
    const dataDir = tempDir();
    const first = startServer({ DATA_DIR: dataDir, ENCRYPTION_KEY: 'a'.repeat(64) });
    await first.started();
    first.child.kill('SIGTERM');
    await first.exited;
    const second = startServer({ DATA_DIR: dataDir, ENCRYPTION_KEY: 'b'.repeat(64) });
    expect(await second.exited).toBe(1);
    expect(second.output().stderr).toMatch(/^Configuration error: ENCRYPTION_KEY does not match/);
  });

  it('reset-admin-password brings ADMIN_PASSWORD back after a forgotten password, and signs everyone out', async () => {
    const dataDir = tempDir();
    const server = startServer({ DATA_DIR: dataDir });
    const base = await server.started();
    const login = (password: string) =>
      fetch(`${base}/admin/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
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

    const reset = await run('scripts/reset-admin-password.ts', { DATA_DIR: dataDir });
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/ADMIN_PASSWORD again/);
    expect((await login('admin')).status).toBe(200);
    expect((await fetch(`${base}/admin/api/session`, { headers: { cookie } })).status).toBe(401);
  });
});

describe('the settings file (.env)', () => {
  it('the server, npm run backup and npm run reset-admin-password all read the file ENV_FILE names', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    const envFile = join(dir, 'custom.env');
    // A developer's customised .env, as in issue 9 item 15.
    writeFileSync(envFile, `DATA_DIR=${dataDir}\nAUTH_API_KEY=a-customised-access-key\nADMIN_PASSWORD=a-customised-password\n`);
    const server = startServer({ ENV_FILE: envFile });
    const base = await server.started();
    const { stdout } = server.output();
    expect(stdout).toContain(dataDir);
    expect(stdout).not.toMatch(/sfm-[A-Za-z0-9_-]{40}/);
    expect(stdout).not.toMatch(/admin password is the default/);
    const models = await fetch(`${base}/v1/models`, { headers: { authorization: 'Bearer a-customised-access-key' } });
    expect(models.status).not.toBe(401);
    const login = await fetch(`${base}/admin/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'a-customised-password' }),
    });
    expect(login.status).toBe(200);

    const backup = await run('scripts/backup.ts', { ENV_FILE: envFile });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`Backup written to ${join(dataDir, 'backups')}`);
    const reset = await run('scripts/reset-admin-password.ts', { ENV_FILE: envFile });
    expect(reset.code, reset.stderr).toBe(0);
    expect(existsSync(join(dataDir, 'siliconflow.db'))).toBe(true);
  });

  it('a named file that cannot be read stops the start with one line naming it', async () => {
    const missing = join(tempDir(), 'missing.env');
    const server = startServer({ ENV_FILE: missing });
    expect(await server.exited).toBe(1);
    expect(server.output().stderr.trim()).toBe(
      `Configuration error: ENV_FILE names ${missing}, which cannot be read: it does not exist (ENOENT)`,
    );
  });
});
