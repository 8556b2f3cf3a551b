/**
 * The 2,000-stream case's client (streams.ts): opens SSE chat streams evenly over a time span, each
 * on its own connection (node:http, no socket limit), times each one's first byte — the response's
 * status line and headers — from its request, and reads each to its end, which must be `[DONE]`.
 * autocannon cannot do this: it reuses connections and times whole answers.
 */
import http from 'node:http';
import { CHAT_PATH, PRICED_MODEL, requestHeaders } from './load.js';

export type StreamsSpec = { url: string; token: string; count: number; spreadMs: number; chunks: number; chunkGapMs: number };
export type StreamsResult = { firstByteMs: number[]; failures: string[] };

const DONE = 'data: [DONE]\n\n';
/** Open streams are checked this often; the streams due since the last tick are opened then. */
const TICK_MS = 5;
const STREAM_TIMEOUT_MS = 60_000;

/** Resolves when every stream has ended, well or not: `failures` says which did not end in [DONE]. */
export function openStreams(spec: StreamsSpec): Promise<StreamsResult> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const body = JSON.stringify({
    model: PRICED_MODEL,
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    fake_chunks: spec.chunks,
    fake_chunk_delay_ms: spec.chunkGapMs,
  });
  const firstByteMs: number[] = [];
  const failures: string[] = [];
  const streams: Promise<void>[] = [];
  return new Promise((resolve) => {
    const started = performance.now();
    const timer = setInterval(() => {
      const due = Math.min(spec.count, Math.ceil(((performance.now() - started) / spec.spreadMs) * spec.count));
      while (streams.length < due) streams.push(oneStream(spec, agent, body, firstByteMs, failures));
      if (streams.length < spec.count) return;
      clearInterval(timer);
      void Promise.all(streams).then(() => {
        agent.destroy();
        resolve({ firstByteMs, failures });
      });
    }, TICK_MS);
  });
}

function oneStream(spec: StreamsSpec, agent: http.Agent, body: string, firstByteMs: number[], failures: string[]): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const end = (failure?: string) => {
      if (settled) return;
      settled = true;
      if (failure !== undefined) failures.push(failure);
      resolve();
    };
    const fail = (why: string) => end(why);
    const sent = performance.now();
    const req = http.request(
      spec.url + CHAT_PATH,
      { method: 'POST', agent, headers: requestHeaders(spec.token), timeout: STREAM_TIMEOUT_MS },
      (res) => {
        firstByteMs.push(performance.now() - sent);
        if (res.statusCode !== 200) {
          res.resume();
          return fail(`HTTP ${res.statusCode}`);
        }
        let tail = '';
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          tail = (tail + text).slice(-DONE.length);
        });
        res.on('end', () => (tail === DONE ? end() : fail(`ended without [DONE] (…${JSON.stringify(tail)})`)));
        res.on('error', (err) => fail(err.message));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no end within ${STREAM_TIMEOUT_MS} ms`)));
    req.on('error', (err) => fail(err.message));
    req.end(body);
  });
}
