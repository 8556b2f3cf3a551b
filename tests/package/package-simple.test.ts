import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_FILE } from '../../src/config/env-file.js';
import { ENV_VARIABLES } from '../../src/config/env.js';
import { DATABASE_FILE } from '../../src/db/database.js';
import { projectRoot } from '../../src/paths.js';

/**
 * The simple package end to end, as a user ships it: `npm run package:simple` into a temporary
 * folder, the folder copied somewhere else, `npm install --omit=dev` there (better-sqlite3 compiles
 * from source: about two minutes on this machine), then `node scripts/start-direct.js`.
 * A package that leaves out a file the server needs fails here.
 */

const work = mkdtempSync(join(tmpdir(), 'sfm-package-test-'));
const built = join(work, 'built');
const installed = join(work, 'elsewhere', 'siliconflow-api-management');
const children: ChildProcess[] = [];

/** The caller's environment without npm's lifecycle variables (they point at this project) and without the app's own settings. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name) && !ENV_VARIABLES.includes(name) && name !== ENV_FILE && name !== 'OPEN_BROWSER') env[name] = value;
  }
  return { ...env, ...extra };
}

type Run = { code: number | null; stdout: string; stderr: string };

function run(command: string, args: string[], cwd: string, env = cleanEnv()): Promise<Run> {
  const child = spawn(command, args, { cwd, env });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const startDirect = (env: Record<string, string> = {}) => run(process.execPath, ['scripts/start-direct.js'], installed, cleanEnv(env));

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) =>
      join(e.parentPath, e.name)
        .slice(dir.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort();
}

beforeAll(async () => {
  const result = await run('npm', ['run', 'package:simple', '--', built], projectRoot);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(`Package written to ${built}`);
  cpSync(built, installed, { recursive: true });
}, 120_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('npm run package:simple', () => {
  it('holds the compiled server, views, public files, start scripts and lockfile — and no .env, data, tests or TypeScript', () => {
    const list = files(built);
    for (const needed of [
      'package.json',
      'package-lock.json',
      '.npmrc',
      '.env.example',
      'README.md',
      'README.en.md',
      'start.bat',
      'scripts/start-direct.js',
      'build/src/server.js',
      'build/src/launch.js',
      'build/scripts/backup.js',
      'build/scripts/reset-admin-password.js',
      'views/index.ejs',
      'views/admin.ejs',
      'public/css/app.css',
      'public/js/admin/main.js',
      'deploy/siliconflow-api-management.service',
    ]) {
      expect(list).toContain(needed);
    }
    // Every compiled source module is there (the fake upstream is test support, outside src/).
    const sources = files(join(projectRoot, 'src')).filter((f) => f.endsWith('.ts'));
    for (const source of sources) expect(list).toContain(`build/src/${source.replace(/\.ts$/, '.js')}`);

    expect(
      list.filter(
        (f) => f === '.env' || f.startsWith('data/') || f.startsWith('tests/') || f.startsWith('src/') || f.startsWith('node_modules/'),
      ),
    ).toEqual([]);
    expect(list.filter((f) => f.endsWith('.ts') || f.endsWith('.map'))).toEqual([]);
    expect(list.filter((f) => f.includes('fake-siliconflow') || f.includes('bench'))).toEqual([]);

    const pkg = JSON.parse(readFileSync(join(built, 'package.json'), 'utf8'));
    expect(pkg.scripts).toEqual({
      start: 'node scripts/start-direct.js',
      backup: 'node build/scripts/backup.js',
      'reset-admin-password': 'node build/scripts/reset-admin-password.js',
    });
    expect(readFileSync(join(built, 'package-lock.json'), 'utf8')).toBe(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8'));
  });

  it('refuses to replace a folder that is not an earlier package', async () => {
    const occupied = join(work, 'occupied');
    cpSync(join(projectRoot, 'views'), occupied, { recursive: true });
    const result = await run('npm', ['run', 'package:simple', '--', occupied], projectRoot);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Refusing to replace ${occupied}: it is not empty and is not an earlier package.`);
    expect(readdirSync(occupied).sort()).toEqual(readdirSync(join(projectRoot, 'views')).sort());
  });
});

describe('the copied package', () => {
  it('says plainly that the dependencies must be installed first', async () => {
    const result = await startDirect();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The dependencies are not installed. In ${installed} run: npm install --omit=dev`);
    expect(existsSync(join(installed, 'data'))).toBe(false);
  });

  it('installs with npm install --omit=dev: runtime dependencies only, better-sqlite3 built', async () => {
    const result = await run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], installed);
    expect(result.code, result.stderr).toBe(0);
    const modules = readdirSync(join(installed, 'node_modules'));
    expect(modules).toEqual(expect.arrayContaining(['express', 'better-sqlite3', 'ejs', 'chart.js']));
    expect(modules).not.toContain('typescript');
    expect(modules).not.toContain('vitest');
    expect(modules).not.toContain('tsx');
  });

  it('refuses a Node.js older than package.json asks for, with a clear message', async () => {
    const manifest = join(installed, 'package.json');
    const original = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(original), engines: { node: '>=99.1' } }));
    try {
      const result = await startDirect();
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Node.js 99.1 or newer is required; this is Node.js ${process.versions.node}.`);
    } finally {
      writeFileSync(manifest, original);
    }
  });

  it('starts with start-direct.js: creates .env, prints the URLs and the access key, answers /health and serves every page and asset', async () => {
    const child = spawn(process.execPath, ['scripts/start-direct.js'], {
      cwd: installed,
      env: cleanEnv({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
    });
    children.push(child);
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (!/User page .*http:\/\/127\.0\.0\.1:\d+\//.test(stdout)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the package did not start:\n${stdout}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const base = `http://127.0.0.1:${/User page .*http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)![1]}`;

    expect(stdout).toContain('Created');
    expect(readFileSync(join(installed, '.env'), 'utf8')).toBe(readFileSync(join(installed, '.env.example'), 'utf8'));
    expect(stdout).toContain(`${base}/admin`);
    expect(stdout).toMatch(/Access key .*: sfm-[A-Za-z0-9_-]{40}/);
    expect(stdout).toMatch(/admin password is the default/);
    // The database lives in the package's own data/ folder.
    expect(existsSync(join(installed, 'data', DATABASE_FILE))).toBe(true);

    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/admin', 'text/html'],
      ['/css/app.css', 'text/css'],
      ['/js/app.js', 'text/javascript'],
      ['/js/admin/main.js', 'text/javascript'],
      ['/vendor/chart.umd.min.js', 'text/javascript'],
    ] as const) {
      const response = await fetch(base + path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toContain(type);
    }
    // The user page is the real rendered view, with its script.
    expect(await (await fetch(`${base}/`)).text()).toContain('/js/app.js');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('runs npm run backup and npm run reset-admin-password with the production dependencies only', async () => {
    const backup = await run('npm', ['run', 'backup'], installed);
    expect(backup.code, backup.stderr).toBe(0);
    const folder = /Backup written to (\S+)/.exec(backup.stdout)![1]!;
    expect(readdirSync(folder).sort()).toEqual([DATABASE_FILE, 'secrets.json'].sort());

    const reset = await run('npm', ['run', 'reset-admin-password'], installed);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('The admin password is ADMIN_PASSWORD again');
  });
});
