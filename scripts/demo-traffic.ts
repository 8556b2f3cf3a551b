/**
 * The demo's gentle built-in client (`npm run demo`, DEMO_TRAFFIC): real /v1 requests through the
 * app to the fake SiliconFlow, a few a second, so the admin sees spend, estimates and the runway move
 * without writing a client. A fixed round of calls, as a small team's tools would make them: chat
 * plain and streaming, a reasoning model, embeddings, `Pro/` models (paid credit only), a free model,
 * and now and then a model the price table does not know (counted as unpriced usage).
 */

/** Requests per second when DEMO_TRAFFIC is not set. */
export const DEFAULT_RATE = 3;
const MAX_RATE = 50;
/** A slow server is not piled on: past this many open requests, ticks are skipped. */
const MAX_IN_FLIGHT = 16;
const REQUEST_TIMEOUT_MS = 30_000;

/** DEMO_TRAFFIC: requests per second, 0 = off; a bad value is a message to print. */
export function trafficRate(text: string | undefined): number | string {
  if (text === undefined || text.trim() === '') return DEFAULT_RATE;
  const rate = Number(text);
  if (!Number.isFinite(rate) || rate < 0 || rate > MAX_RATE) {
    return `DEMO_TRAFFIC must be requests per second from 0 (off) to ${MAX_RATE}, got "${text}"`;
  }
  return rate;
}

export type DemoTraffic = {
  /** Stops sending and waits for the requests still open; safe to call more than once. */
  stop(): Promise<void>;
};

/** Starts sending `perSecond` requests a second to `baseUrl` (the app itself) with `accessKey` (the demo gives it a client key). */
export function startDemoTraffic(baseUrl: string, accessKey: string, perSecond: number): DemoTraffic {
  const open = new Set<Promise<void>>();
  let sent = 0;
  const timer = setInterval(() => {
    if (open.size >= MAX_IN_FLIGHT) return;
    const call = send(baseUrl, accessKey, ROUND[sent++ % ROUND.length]!).finally(() => open.delete(call));
    open.add(call);
  }, 1000 / perSecond);
  timer.unref();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      clearInterval(timer);
      stopped ??= Promise.allSettled(open).then(() => undefined);
      return stopped;
    },
  };
}

/** One call, read to its end (a stream is charged as its chunks arrive). Failures are the demo's keys at work: ignored. */
async function send(baseUrl: string, accessKey: string, call: DemoCall): Promise<void> {
  try {
    const res = await fetch(baseUrl + call.path, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(call.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await res.arrayBuffer();
  } catch {
    // The server is stopping, or it answered with an error the admin sees in the request log.
  }
}

type DemoCall = { path: string; body: Record<string, unknown> };

const NOTES =
  'Weekly sync, platform team. The checkout service moved to the new cluster on Tuesday: median latency is ' +
  'down by a third and the error rate is unchanged. Two incidents this week. First, a certificate expired on ' +
  'the staging gateway on Wednesday morning, so staging was down for two hours before someone renewed it by ' +
  'hand. Second, a nightly batch job retried a failed upload forty times before anyone noticed, which filled ' +
  'the disk of the shared worker and delayed the reports for the finance team by half a day. Action items: ' +
  'automate certificate renewal on every gateway, cap the retries of batch jobs at five with a growing pause, ' +
  'add an alert on the retry counter and on disk usage above eighty percent, and write down who owns each ' +
  'batch job. Next week: a load test of checkout before the holiday sale, the budget review for the second ' +
  'half of the year, and a decision on moving the search index to the managed service or keeping it in house.';
const SYSTEM = 'You are a concise assistant for an engineering team. Answer in plain sentences.';
const PROMPTS = [
  `Summarise these meeting notes in three bullet points: ${NOTES}`,
  `Write a short, friendly status update for the whole company from these notes: ${NOTES}`,
  `List the action items in these notes, each with a suggested owner and a date: ${NOTES}`,
  `Which risks for the holiday sale do these notes show, and what would you do first? ${NOTES}`,
  'Suggest a name for an internal tool that pools API keys, and say why in one sentence.',
];

/** A conversation with some history, as chat clients send it: the earlier turns are billed as input again. */
function chat(model: string, prompt: number, stream = false): DemoCall {
  const messages = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: 'Here are the notes from our weekly sync, keep them in mind.' },
    { role: 'assistant', content: `Noted. ${NOTES}` },
    { role: 'user', content: PROMPTS[prompt % PROMPTS.length] },
  ];
  return {
    path: '/v1/chat/completions',
    body: { model, messages, ...(stream ? { stream, stream_options: { include_usage: true } } : {}) },
  };
}

function embed(model: string, texts: string[]): DemoCall {
  return { path: '/v1/embeddings', body: { model, input: texts } };
}

/** Prices (src/siliconflow/prices.json): V3 ¥2/¥8 and R1 ¥4/¥16 per million tokens, Qwen3-Embedding ¥0.28; Qwen2.5-7B is free; Qwen2.5-72B has no price. */
const ROUND: readonly DemoCall[] = [
  chat('deepseek-ai/DeepSeek-V3', 0),
  chat('deepseek-ai/DeepSeek-R1', 1, true),
  embed('Qwen/Qwen3-Embedding-8B', [NOTES, PROMPTS[3]!]),
  chat('deepseek-ai/DeepSeek-V3', 2, true),
  chat('Pro/deepseek-ai/DeepSeek-V3', 3),
  chat('Qwen/Qwen2.5-7B-Instruct', 4),
  chat('deepseek-ai/DeepSeek-V3', 1),
  chat('deepseek-ai/DeepSeek-R1', 2),
  chat('Pro/deepseek-ai/DeepSeek-R1', 0, true),
  chat('deepseek-ai/DeepSeek-V3', 3, true),
  embed('Qwen/Qwen3-Embedding-8B', [PROMPTS[4]!]),
  chat('Qwen/Qwen2.5-72B-Instruct', 0),
];
