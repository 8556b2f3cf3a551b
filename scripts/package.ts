/**
 * The simple package, built by `npm run package:simple` (scripts/package-simple.ts) and by the
 * Dockerfile: the folder people copy to a server or a Windows PC. It holds freshly compiled
 * JavaScript, views, public, the README, .env.example, package.json and the lockfile, the systemd
 * unit, scripts/start-direct.js and start.bat. Never a .env, the data folder, tests or TypeScript
 * sources. In the folder: `npm install --omit=dev`, then `node scripts/start-direct.js` (or start.bat).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { projectRoot } from '../src/paths.js';

export const PACKAGE_NAME = 'siliconflow-api-management';

/** What is copied as it is, relative to the project root. */
export const COPIED = [
  'views',
  'public',
  'docs',
  'deploy',
  'README.md',
  'README.en.md',
  '.env.example',
  'package-lock.json',
  'start.bat',
  'scripts/start-direct.js',
];
/**
 * Compiled scripts the package runs (through its own npm scripts below). tsconfig.package.json
 * compiles exactly these and src/, so nothing of the tests (the fake SiliconFlow) or the dev scripts
 * is built, and the Docker build, which has no tests/, compiles too.
 */
const COMPILED_SCRIPTS = ['backup.js', 'reset-admin-password.js'];

/** The package's own npm scripts: nothing that needs the dev dependencies (tsc, tsx). */
const PACKAGE_SCRIPTS = {
  start: 'node scripts/start-direct.js',
  backup: 'node build/scripts/backup.js',
  'reset-admin-password': 'node build/scripts/reset-admin-password.js',
};

/** Every file or folder of the project the build reads (the Dockerfile must copy them all). */
export const PACKAGE_INPUTS = [...COPIED, 'package.json', 'tsconfig.json', 'tsconfig.package.json', 'src', 'scripts'];

export const DEFAULT_PACKAGE_DIR = join(projectRoot, 'dist', PACKAGE_NAME);

/** Builds the package into `target` (replacing an earlier package there); returns the number of files. */
export function buildPackage(target: string): number {
  assertSafeTarget(target);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });

  const compiled = mkdtempSync(join(tmpdir(), 'sfm-package-'));
  try {
    compile(compiled);
    cpSync(join(compiled, 'src'), join(target, 'build', 'src'), { recursive: true, filter: (from) => !from.endsWith('.map') });
    for (const script of COMPILED_SCRIPTS) cpSync(join(compiled, 'scripts', script), join(target, 'build', 'scripts', script));
  } finally {
    rmSync(compiled, { recursive: true, force: true });
  }
  for (const item of COPIED) cpSync(join(projectRoot, item), join(target, item), { recursive: true });
  writeFileSync(join(target, 'package.json'), packageJson());
  // Plain `npm install` / `npm ci` in the package skips the dev dependencies too.
  writeFileSync(join(target, '.npmrc'), 'omit=dev\n');

  return countFiles(target);
}

/** The target is replaced, so it must be empty, missing, or an earlier package — never the project or a folder above it. */
function assertSafeTarget(target: string) {
  const fromTarget = relative(target, projectRoot);
  if (fromTarget === '' || (!fromTarget.startsWith('..') && !isAbsolute(fromTarget))) {
    throw new Error(`Refusing to write the package to ${target}: it holds the project itself.`);
  }
  if (!existsSync(target) || readdirSync(target).length === 0) return;
  const previous = join(target, 'package.json');
  const isPackage =
    existsSync(previous) &&
    existsSync(join(target, 'scripts', 'start-direct.js')) &&
    (JSON.parse(readFileSync(previous, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  if (!isPackage) throw new Error(`Refusing to replace ${target}: it is not empty and is not an earlier package.`);
}

/** A clean compile (build/ may hold output of deleted sources), with the project's own TypeScript. */
function compile(outDir: string) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(projectRoot, 'tsconfig.package.json'), '--outDir', outDir, '--sourceMap', 'false'], {
    stdio: 'inherit',
  });
}

/** package.json as it is, but with scripts that run the compiled code. The dev dependencies stay listed so the lockfile matches (npm ci works); .npmrc omits them. */
function packageJson(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...pkg, scripts: PACKAGE_SCRIPTS }, null, 2) + '\n';
}

function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}
