/**
 * Load for one scenario: a probe that checks the answer is what a client expects, an autocannon
 * warm-up, then the measured run. Latency is recorded per response in microseconds (autocannon's own
 * histogram keeps whole milliseconds, too coarse for a 1 ms target). Any non-2xx answer, error or
 * timeout fails the scenario: a benchmark of errors is worthless.
 */
import autocannon from 'autocannon';
import { createHistogram } from 'node:perf_hooks';

export type Mode = 'json' | 'sse';
export const MODES: readonly Mode[] = ['json', 'sse'];

/**
 * Who calls: one token, or a list that every connection walks through in turn (autocannon's
 * `requests`, each built once), so the load spreads over many client keys at the same cost to the
 * load generator whatever the tokens are.
 */
export type Tokens = string | readonly string[];
const firstToken = (tokens: Tokens) => (typeof tokens === 'string' ? tokens : tokens[0]!);

export type LoadOptions = { connections: number; warmupSeconds: number; durationSeconds: number };
/** Per process taking part, by name: its CPU seconds so far (undefined when it cannot be read). */
export type CpuMeters = Record<string, () => number | undefined>;
export type LoadResult = {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Latency with one connection (no queueing): what a single client adds. */
  idleP50Ms: number;
  idleP99Ms: number;
  /** Cores each metered process kept busy during the measured run (1 = one core all the time). */
  cores: Record<string, number>;
};

/** A priced model (src/siliconflow/prices.json): every answer is charged to a key's estimate. */
export const PRICED_MODEL = 'deepseek-ai/DeepSeek-V3';
const MESSAGES = [{ role: 'user', content: 'hi' }];

export function bodyOf(mode: Mode, model: string): string {
  if (mode === 'json') return JSON.stringify({ model, messages: MESSAGES });
  // fake_chunks / fake_chunk_delay_ms are the fake's test hooks: 8 content chunks, sent at once.
  return JSON.stringify({ model, messages: MESSAGES, stream: true, fake_chunks: 8, fake_chunk_delay_ms: 0 });
}
export const CHAT_PATH = '/v1/chat/completions';
const REQUEST_TIMEOUT_SECONDS = 10;
const IDLE_LATENCY_SECONDS = 3;

/** The autocannon run in progress, so an interrupt can stop it. */
let running: autocannon.Instance | undefined;
export const stopLoad = (): void => running?.stop();

export class BenchFailure extends Error {
  override name = 'BenchFailure';
}

export async function measure(baseUrl: string, token: string, mode: Mode, opts: LoadOptions, meters: CpuMeters = {}): Promise<LoadResult> {
  await probe(baseUrl, token, mode);
  await run(baseUrl, token, mode, opts.connections, opts.warmupSeconds);
  const result = await metered(baseUrl, token, mode, PRICED_MODEL, opts, meters);
  // Under load, p50 is mostly queueing on a saturated machine; one connection shows the added latency itself.
  const single = await run(baseUrl, token, mode, 1, IDLE_LATENCY_SECONDS);
  return { ...result, idleP50Ms: single.p50Ms, idleP99Ms: single.p99Ms };
}

/** Throughput and CPU only (no one-connection latency run), for comparisons run back to back on a warm process. */
export async function measureThroughput(
  baseUrl: string,
  tokens: Tokens,
  model: string,
  opts: LoadOptions,
  meters: CpuMeters = {},
): Promise<LoadResult> {
  await probe(baseUrl, firstToken(tokens), 'json', model);
  return metered(baseUrl, tokens, 'json', model, opts, meters);
}

/** One measured run of `opts.durationSeconds`, with the cores each metered process kept busy meanwhile. */
function metered(baseUrl: string, tokens: Tokens, mode: Mode, model: string, opts: LoadOptions, meters: CpuMeters) {
  const spec = { tokens, body: bodyOf(mode, model), connections: opts.connections, seconds: opts.durationSeconds };
  return meteredLoad(baseUrl, spec, meters, mode);
}

/** Load that is not measured: lets a freshly started server's JIT settle (checked for errors all the same). */
export async function warmUp(
  baseUrl: string,
  token: Tokens,
  mode: Mode,
  opts: LoadOptions,
  seconds: number,
  model = PRICED_MODEL,
): Promise<void> {
  await probe(baseUrl, firstToken(token), mode, model);
  await run(baseUrl, token, mode, opts.connections, seconds, model);
}

/** The load generator is this process: its own CPU time is metered as "load generator". */
function readMeters(meters: CpuMeters): Record<string, number> {
  const usage = process.cpuUsage();
  const readings: Record<string, number> = { 'load generator': (usage.user + usage.system) / 1e6 };
  for (const [name, read] of Object.entries(meters)) {
    const value = read();
    if (value !== undefined) readings[name] = value;
  }
  return readings;
}

/** One request by hand: a 200 with a chat.completion, or an SSE stream of 8 content chunks ending in [DONE]. */
export async function probe(baseUrl: string, token: string, mode: Mode, model = PRICED_MODEL): Promise<void> {
  const res = await fetch(baseUrl + CHAT_PATH, {
    method: 'POST',
    headers: requestHeaders(token),
    body: bodyOf(mode, model),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_SECONDS * 1000),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const ok =
    res.status === 200 &&
    (mode === 'json'
      ? type.startsWith('application/json') && jsonObjectType(text) === 'chat.completion'
      : type.startsWith('text/event-stream') && text.endsWith('data: [DONE]\n\n') && countContentChunks(text) === 8);
  if (!ok) throw new BenchFailure(`probe of ${baseUrl} (${mode}) got HTTP ${res.status} ${type}: ${text.slice(0, 300)}`);
}

export function jsonObjectType(text: string): unknown {
  try {
    return (JSON.parse(text) as { object?: unknown }).object;
  } catch {
    return undefined;
  }
}

function countContentChunks(sse: string): number {
  return sse.split('\n\n').filter((frame) => frame.includes('"content":"')).length;
}

export function requestHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

function run(baseUrl: string, token: Tokens, mode: Mode, connections: number, seconds: number, model = PRICED_MODEL): Promise<LoadResult> {
  return runLoad(baseUrl, { tokens: token, body: bodyOf(mode, model), connections, seconds }, mode);
}

/** One autocannon run of any chat body; `overallRate` caps the requests a second over all connections. */
export type LoadSpec = { tokens: Tokens; body: string; connections: number; seconds: number; overallRate?: number };

export function runLoad(baseUrl: string, spec: LoadSpec, what = 'load'): Promise<LoadResult> {
  const { tokens, body } = spec;
  const latencyUs = createHistogram({ lowest: 1, highest: 60_000_000, figures: 3 });
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl + CHAT_PATH,
        method: 'POST',
        headers: requestHeaders(firstToken(tokens)),
        body,
        ...(typeof tokens === 'string' ? {} : { requests: tokens.map((t) => ({ headers: requestHeaders(t) })) }),
        connections: spec.connections,
        ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
        pipelining: 1,
        duration: spec.seconds,
        timeout: REQUEST_TIMEOUT_SECONDS,
      },
      (err, result) => {
        running = undefined;
        if (err) return reject(err);
        const failure = describeFailure(result);
        if (failure) return reject(new BenchFailure(`${baseUrl} (${what}): ${failure}`));
        resolve({
          requestsPerSecond: result['2xx'] / result.duration,
          p50Ms: latencyUs.percentile(50) / 1000,
          p99Ms: latencyUs.percentile(99) / 1000,
          requests: result['2xx'],
          idleP50Ms: Number.NaN,
          idleP99Ms: Number.NaN,
          cores: {},
        });
      },
    );
    running = instance;
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencyUs.record(Math.max(1, Math.round(ms * 1000)));
    });
  });
}

/** runLoad with the cores each metered process kept busy meanwhile. */
export async function meteredLoad(baseUrl: string, spec: LoadSpec, meters: CpuMeters, what?: string): Promise<LoadResult> {
  const before = readMeters(meters);
  const started = performance.now();
  const result = await runLoad(baseUrl, spec, what);
  const seconds = (performance.now() - started) / 1000;
  const after = readMeters(meters);
  for (const [name, cpu] of Object.entries(after)) {
    const start = before[name];
    if (start !== undefined) result.cores[name] = (cpu - start) / seconds;
  }
  return result;
}

function describeFailure(result: autocannon.Result): string | undefined {
  const problems: string[] = [];
  if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx answers (${JSON.stringify(result.statusCodeStats)})`);
  if (result.errors > 0) problems.push(`${result.errors} errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  if (result.resets > 0) problems.push(`${result.resets} connection resets`);
  if (result['2xx'] === 0) problems.push('no answers at all');
  return problems.length > 0 ? problems.join(', ') : undefined;
}
