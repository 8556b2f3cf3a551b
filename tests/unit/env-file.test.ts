import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvFile } from '../../src/config/env-file.js';
import { projectRoot } from '../../src/paths.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
/** A folder standing in for the project, with a customised .env. */
function project(dotenv = 'AUTH_API_KEY=from-the-project-env\nADMIN_PASSWORD=secret\n'): string {
  const root = mkdtempSync(join(tmpdir(), 'sfm-env-file-'));
  dirs.push(root);
  writeFileSync(join(root, '.env'), dotenv);
  return root;
}

describe('loadEnvFile, the one place that reads .env', () => {
  it('reads <project>/.env, and the environment wins over it', () => {
    const root = project();
    const env: NodeJS.ProcessEnv = { ADMIN_PASSWORD: 'from-the-shell' };
    expect(loadEnvFile(env, root)).toBe(join(root, '.env'));
    expect(env).toMatchObject({ AUTH_API_KEY: 'from-the-project-env', ADMIN_PASSWORD: 'from-the-shell' });
  });

  it("ENV_FILE=off reads no file at all: how the tests keep a developer's .env out", () => {
    const env: NodeJS.ProcessEnv = { ENV_FILE: 'off' };
    expect(loadEnvFile(env, project())).toBeUndefined();
    expect(env).toEqual({ ENV_FILE: 'off' });
  });

  it('ENV_FILE names another file (relative to the project), read instead of .env', () => {
    const root = project();
    writeFileSync(join(root, 'other.env'), 'PORT=4000\n');
    const env: NodeJS.ProcessEnv = { ENV_FILE: 'other.env' };
    expect(loadEnvFile(env, root)).toBe(join(root, 'other.env'));
    expect(env).toEqual({ ENV_FILE: 'other.env', PORT: '4000' });
  });

  it('without a .env there is nothing to read and nothing fails; a missing named file fails', () => {
    const root = mkdtempSync(join(tmpdir(), 'sfm-env-file-'));
    dirs.push(root);
    expect(loadEnvFile({}, root)).toBeUndefined();
    expect(() => loadEnvFile({ ENV_FILE: 'nope.env' }, root)).toThrow(
      `ENV_FILE names ${join(root, 'nope.env')}, which cannot be read: it does not exist (ENOENT)`,
    );
  });

  it('a .env that cannot be read is an error naming it, not silently skipped', () => {
    const root = project();
    rmSync(join(root, '.env'));
    // A folder where the file is expected: EISDIR even for root, who reads files whatever their mode.
    mkdirSync(join(root, '.env'));
    expect(() => loadEnvFile({}, root)).toThrow(`cannot read ${join(root, '.env')}: it is a folder, not a file (EISDIR)`);
  });
});

describe('the test suite', () => {
  it("starts processes only through tests/helpers/processes.ts, which switches the developer's .env off", () => {
    const helper = join('tests', 'helpers', 'processes.ts');
    const offenders = (readdirSync(join(projectRoot, 'tests'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts') && f !== relative('tests', helper) && !f.startsWith('package'))
      .filter((f) => /^import .* from 'node:child_process'/m.test(readFileSync(join(projectRoot, 'tests', f), 'utf8')));
    expect(offenders, `spawn through ${helper} instead`).toEqual([]);
  });
});
