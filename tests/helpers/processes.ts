import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { projectRoot } from '../../src/paths.js';

/**
 * The one way tests start processes of the project (the server, its scripts, npm). A child gets
 * only PATH, HOME, ENV_FILE=off and what the test gives: the shell's settings and the developer's
 * own .env (say with AUTH_API_KEY and ADMIN_PASSWORD) never reach a test — see issue 9, item 15.
 * Every child is killed and every temporary folder removed when its test ends, pass or fail.
 */

export type Spawned = {
  child: ChildProcess;
  /** The exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Every process holding the child's output has closed it: the child and anything it started have exited. */
  closed: Promise<void>;
  output(): { stdout: string; stderr: string };
  /** Waits until stdout matches, with a deadline and the output so far in the failure. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
};

export type SpawnOptions = { cwd?: string; env?: Record<string, string>; uid?: number; gid?: number; detached?: boolean };

export function testEnv(env: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ENV_FILE: 'off', ...env };
}

export function spawnProcess(command: string, args: string[], options: SpawnOptions = {}): Spawned {
  const { env, ...rest } = options;
  const child = spawn(command, args, { cwd: projectRoot, env: testEnv(env), ...rest });
  let stdout = '';
  let stderr = '';
  let isClosed = false;
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  // 'close' comes after the output is read to the end ('exit' may come before).
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  void closed.then(() => (isClosed = true));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  onTestFinished(() => {
    // A detached child leads its own process group: kill the group, so nothing it started outlives the test.
    if (options.detached) killGroup(child.pid!);
    else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const output = () => ({ stdout, stderr });
  const waitForOutput = async (pattern: RegExp, timeoutMs = 15_000) => {
    await waitUntil(
      () => pattern.test(stdout),
      timeoutMs,
      () => `no ${pattern} in the output:\n${stdout}\n${stderr}`,
      () => isClosed,
    );
    return pattern.exec(stdout)!;
  };
  return { child, exited, closed, output, waitForOutput };
}

function killGroup(pgid: number) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/** A TypeScript file of the project run as its npm script runs it (through tsx here, so no build is needed). */
export function runScript(script: string, env: Record<string, string> = {}, options: Omit<SpawnOptions, 'env'> = {}): Spawned {
  return spawnProcess(process.execPath, ['--import', 'tsx', script], { ...options, env });
}

export type ServerProcess = Spawned & {
  /** Resolves with the base URL once the banner is out. */
  started(timeoutMs?: number): Promise<string>;
};

/** The real entry point, as `npm start` runs it, on 127.0.0.1 and a free port unless told otherwise. */
export function startServer(env: Record<string, string> = {}, options: Omit<SpawnOptions, 'env'> = {}): ServerProcess {
  const spawned = runScript('src/server.ts', { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env }, options);
  const started = async (timeoutMs = 15_000) => (await spawned.waitForOutput(/User page .*(http:\/\/[^/\s]+)\//, timeoutMs))[1]!;
  return { ...spawned, started };
}

/** Polls until `done()`; past the deadline (or once `gaveUp()`) fails with `explain()`. */
export async function waitUntil(
  done: () => boolean,
  timeoutMs: number,
  explain: () => string,
  gaveUp: () => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (gaveUp() || Date.now() > deadline) throw new Error(explain());
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A temporary folder, removed when the test ends. */
export function tempDir(prefix = 'sfm-process-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
