import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it arrived: method, path with query, headers (lower-case names), the raw body. */
export type Received = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

/**
 * How the receiver answers one request: a status with a body (a bot's `{errcode: 1, …}` is a body
 * too), a redirect, no answer at all (`hang`: the request stays open until the receiver closes), or
 * a 200 whose body never comes (`stall`: the head, then nothing) or never ends (`endless`: 16 KiB
 * every few ms, for as long as the caller reads).
 */
export type ReceiverAnswer =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { redirect: string; status?: 301 | 302 | 307 | 308 }
  | 'hang'
  | 'stall'
  | 'endless';

export type WebhookReceiver = {
  /** The receiver's origin, e.g. http://127.0.0.1:51234 (any path is taken). */
  url: string;
  received: Received[];
  /** Answers the next requests in this order; after them, the default answer. */
  reply(...answers: ReceiverAnswer[]): void;
  /** The answer when no queued one is left (200 `{"ok":true}` unless set). */
  replyByDefault(answer: ReceiverAnswer): void;
  /** Resolves once `count` requests have arrived; rejects after `timeoutMs` so a regression fails instead of hanging. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
};

/**
 * A local HTTP receiver on a random port that records every request, for tests of whatever the
 * server sends out (alert channels, webhooks): it can answer a status, a bot's error body, a
 * redirect, or hang.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const queue: ReceiverAnswer[] = [];
  let fallback: ReceiverAnswer = { status: 200, body: '{"ok":true}' };
  const waiting: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      for (const w of waiting.filter((w) => received.length >= w.count)) w.resolve();
      const answer = queue.shift() ?? fallback;
      if (answer === 'hang') return;
      if (answer === 'endless') return endless(res);
      if (answer === 'stall') return void res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
      if ('redirect' in answer) return void res.writeHead(answer.status ?? 302, { location: answer.redirect }).end();
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    reply: (...answers) => void queue.push(...answers),
    replyByDefault: (answer) => void (fallback = answer),
    waitFor: (count, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        if (received.length >= count) return resolve(received);
        const timer = setTimeout(
          () => reject(new Error(`the receiver got ${received.length} of ${count} requests in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiting.push({ count, resolve: () => (clearTimeout(timer), resolve(received)) });
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Writes 16 KiB chunks until the connection goes. */
function endless(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  const chunk = Buffer.alloc(16 * 1024, 'x');
  const timer = setInterval(() => res.write(chunk), 2);
  res.on('close', () => clearInterval(timer));
}
