import type { Agent } from 'undici';
import type { OutboundRequest } from './channels/channel-types.js';

/** What is read of an answer: enough for a bot's error, never a large page into memory. */
export const MAX_ANSWER_BYTES = 64 * 1024;

export type HttpAnswer = { status: number; body: string };

/**
 * The delivery's own way out: an undici Agent of its own, so a hanging receiver holds none of the
 * /v1 upstream's connections. It POSTs only to the URL the format gives (the stored channel URL) and
 * follows no redirect: undici's request does not, and a 3xx comes back as an answer like any other.
 * undici's whole package loads with the first delivery, not at start (see src/proxy/undici-agent.ts):
 * most servers never send an alert.
 */
export class DeliveryHttp {
  private undici: Promise<{ agent: Agent; request: typeof import('undici').request }> | undefined;

  /** Throws on no answer (refused, reset, `timeoutMs` passed, `signal` aborted). */
  async post(req: OutboundRequest, timeoutMs: number, signal: AbortSignal): Promise<HttpAnswer> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const { agent, request } = await this.loaded();
    try {
      const res = await request(req.url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        dispatcher: agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.any([signal, timeout]),
      });
      return { status: res.statusCode, body: await readCapped(res.body, MAX_ANSWER_BYTES) };
    } catch (err) {
      // However undici words it (before the head, or while the body trickles in), the bound passed.
      if (timeout.aborted && !signal.aborted) throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
      throw err;
    }
  }

  async close(): Promise<void> {
    // Nothing to close when undici never loaded (or could not: then each post said so).
    const loaded = await this.undici?.catch(() => undefined);
    await loaded?.agent.close();
  }

  private loaded() {
    this.undici ??= import('undici').then(({ Agent, request }) => ({
      agent: new Agent({ connections: 8, keepAliveTimeout: 10_000, connect: { timeout: 10_000 } }),
      request,
    }));
    return this.undici;
  }
}

/** The first `max` bytes of a body as text; the rest is not read (the stream is destroyed). */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk.subarray(0, max - size));
    size += Math.min(chunk.length, max - size);
    if (size >= max) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
