/**
 * Core pinning (issue 15: "the proxy under test on the last core, the fake and the load generator on
 * the others"): on a shared 2-core machine the scheduler otherwise moves the proxy, the fake and the
 * load generator about, and a comparison measures where each happened to run. Every proxy of every
 * comparison (this server, the bare pipe, the undici one) gets the same core, so both sides of a
 * ratio run alike. Where `taskset` is missing or there is one core, nothing is pinned and the report
 * says so.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Which processes a child belongs with: the proxy under test, or the helpers (the fake). */
export type PinRole = 'proxy' | 'helper';

type Pinning = { proxy: string; helper: string } | undefined;

function detect(): Pinning {
  const cores = os.availableParallelism();
  if (cores < 2 || !hasTaskset()) return undefined;
  const last = cores - 1;
  return { proxy: String(last), helper: last === 1 ? '0' : `0-${last - 1}` };
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const pinning = detect();

/** The command that starts `node <args>` for `role`: under taskset when pinning, else node itself. */
export function pinnedCommand(role: PinRole, nodeArgs: string[]): { command: string; args: string[] } {
  if (!pinning) return { command: process.execPath, args: nodeArgs };
  return { command: 'taskset', args: ['-c', pinning[role], process.execPath, ...nodeArgs] };
}

/** Pins this process (the load generator), every thread of it, to the helpers' cores. */
export function pinSelf(): void {
  if (pinning) execFileSync('taskset', ['-a', '-p', '-c', pinning.helper, String(process.pid)], { stdio: 'ignore' });
}

/** The report's line on pinning. */
export function pinningLine(): string {
  if (!pinning)
    return `Not pinned (${hasTaskset() ? `${os.availableParallelism()} core` : 'no taskset'}): processes share the cores as the scheduler likes.`;
  return `Pinned with taskset: the proxy under test (this server, the bare http pipe, the minimal undici proxy) on core ${pinning.proxy}; the fake and the load generator on core ${pinning.helper}.`;
}
