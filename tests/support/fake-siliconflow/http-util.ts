/** Small helpers over node:http shared by the fake's handlers. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';

/** Successful upstream answers carry this header (docs/siliconflow.md, "Keys and authentication"). */
export function traceHeader(): Record<string, string> {
  return { 'x-siliconcloud-trace-id': randomUUID().replaceAll('-', '') };
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendBody(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

/** A whole answer with its length, and the trace header when it succeeded. */
export function sendBody(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...(status < 300 ? traceHeader() : {}),
  });
  res.end(body);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Waits `ms` (0 = one turn of the event loop); rejects with AbortError when the fake closes. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms > 0) await sleep(ms, undefined, { signal });
  else await tick(undefined, { signal });
}

/**
 * Writes one chunk and waits until it reached the socket, so a later destroy() cannot swallow it.
 * Resolves false when the response is already closed (client gone, or the fake closing).
 */
export function writeChunk(res: ServerResponse, chunk: string | Buffer): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => resolve(false);
    res.once('close', onClose);
    res.write(chunk, (err) => {
      res.off('close', onClose);
      resolve(!err);
    });
  });
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
