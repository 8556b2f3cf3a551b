/**
 * The benchmark's child processes (the fake, the minimal proxy, this server): started with a readiness
 * line to wait for, remembered, and stopped by pid — SIGTERM, then SIGKILL if one does not exit in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { projectRoot } from '../../src/paths.js';
import { pinnedCommand, type PinRole } from './pinning.js';

const OUTPUT_TAIL_CHARS = 8_000;
const STOP_GRACE_MS = 5_000;
/** USER_HZ: 100 on every Linux build that matters (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

export class Child {
  private tail = '';
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const keep = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** CPU time (user + system) used so far, in seconds; undefined where /proc is missing (not Linux). */
  cpuSeconds(): number | undefined {
    try {
      // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the line.
      const stat = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  }

  /** Resident memory now and its peak so far (VmRSS, VmHWM), in bytes; undefined where /proc is missing. */
  memory(): { rss: number; peak: number } | undefined {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
      return { rss: kib('VmRSS'), peak: kib('VmHWM') };
    } catch {
      return undefined;
    }
  }

  /** The last lines it printed, for error messages. */
  output(): string {
    return this.tail.trim();
  }

  /** Resolves with the first match of `pattern` on stdout; rejects if the child exits or takes too long. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      let seen = '';
      const done = (fn: () => void) => {
        clearTimeout(timer);
        this.proc.stdout?.off('data', onData);
        this.proc.off('exit', onExit);
        fn();
      };
      const onData = (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        const match = pattern.exec(seen);
        if (match) done(() => resolve(match));
      };
      const onExit = (code: number | null, signal: string | null) =>
        done(() => reject(new Error(`${this.name} exited (${signal ?? `code ${code}`}) before it was ready:\n${this.output()}`)));
      const timer = setTimeout(
        () => done(() => reject(new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.output()}`))),
        timeoutMs,
      );
      this.proc.stdout?.on('data', onData);
      this.proc.once('exit', onExit);
    });
  }

  /** SIGTERM, wait up to 5 s for it to exit (writing a CPU profile, if asked for, happens then), else SIGKILL. */
  async stop(): Promise<void> {
    children.delete(this);
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS).unref());
    const exited = await Promise.race([this.exited.then(() => true), timer]);
    if (!exited && this.running) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}

const children = new Set<Child>();

/**
 * Starts `node <nodeArgs>` in the project root with the extra environment, on the cores of its role
 * (pinning.ts); output is captured, not shown.
 */
export function startNode(name: string, nodeArgs: string[], env: Record<string, string>, role: PinRole = 'helper'): Child {
  const { command, args } = pinnedCommand(role, nodeArgs);
  // taskset execs node in its own process: the pid stays the one /proc and stop() use.
  const proc = spawn(command, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = new Child(name, proc);
  children.add(child);
  proc.once('exit', (code, signal) => {
    if (children.has(child)) console.error(`! ${name} (pid ${proc.pid}) exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  return child;
}

/** Stops every child still running; safe to call more than once. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...children].map((child) => child.stop()));
}
