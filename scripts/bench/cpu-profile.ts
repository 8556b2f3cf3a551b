/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and self time
 * by origin (our src/, each dependency, Node internals, GC). Used by `BENCH_CPU_PROF=dir npm run bench`,
 * or alone: `tsx scripts/bench/cpu-profile.ts file.cpuprofile [top]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame };
/** startTime and the sample times are µs on the monotonic clock, the one process.hrtime reads (Linux, macOS). */
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

/** The main thread's profile in a --cpu-prof-dir: Node names files CPU.<date>.<time>.<pid>.<thread id>.<seq>. */
export function mainThreadProfile(dir: string): string {
  const main = readdirSync(dir).find((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name));
  if (!main) throw new Error(`no main-thread CPU profile in ${dir}`);
  return join(dir, main);
}

/** Now on the clock of a profile's sample times, to summarise only what came after (the load, not the start-up). */
export const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * Percentages are of the busy time: idle samples (waiting for I/O) are counted apart.
 * `sinceUs` (from monotonicMicros) leaves out the samples before it, e.g. the start-up.
 */
export function summarizeProfile(file: string, options: { top?: number; sinceUs?: number } = {}): string {
  const { top = 20 } = options;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const since = options.sinceUs !== undefined && options.sinceUs < profile.endTime ? options.sinceUs : profile.startTime;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    const frame = frames.get(id);
    if (!frame || at < since) return;
    if (frame.functionName === '(idle)') {
      idle += us;
      return;
    }
    busy += us;
    add(byFunction, describe(frame), us);
    add(byOrigin, origin(frame), us);
  });
  const seconds = (us: number) => `${(us / 1e6).toFixed(1)} s`;
  return [
    `CPU profile ${file}${since > profile.startTime ? `, last ${seconds(profile.endTime - since)}` : ''}: ${seconds(busy)} busy, ${seconds(idle)} idle`,
    '',
    'Self time by origin (% of busy time):',
    ...ranked(byOrigin, busy, 12),
    '',
    `Top ${top} functions by self time (% of busy time):`,
    ...ranked(byFunction, busy, top),
  ].join('\n');
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

function ranked(map: Map<string, number>, total: number, top: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
}

function describe(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) return url.slice(modules + 'node_modules/'.length);
  const src = url.search(/\/(src|scripts)\//);
  return src !== -1 ? url.slice(src + 1) : url;
}

/** "(garbage collector)", "(idle)", "node: internals", "src/ (this app)", or the npm package. */
function origin(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node: internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return `npm ${modules[1]}`;
  if (/\/src\//.test(url)) return 'src/ (this app)';
  return url;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx scripts/bench/cpu-profile.ts file.cpuprofile [top]');
    process.exit(1);
  }
  console.log(summarizeProfile(file, { top: top ? Number(top) : 20 }));
}
