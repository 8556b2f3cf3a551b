import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/**
 * Reads the whole request body (it may be sent to several keys in turn) as the exact bytes received.
 * Stops at `maxBytes`: a declared Content-Length over the limit fails before reading anything.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => onError(new Error('client aborted while sending the body'));
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

export type RequestFacts = { model: string | null; stream: boolean };

const MULTIPART_MODEL = /name="model"\r\n(?:[^\r\n]*\r\n)*\r\n([^\r\n]{1,200})\r\n/;

/** Reads `model` and `stream` for routing and logging, without changing the bytes forwarded. */
export function requestFacts(body: Buffer, contentType: string | undefined): RequestFacts {
  if (body.length === 0 || !contentType) return { model: null, stream: false };
  if (contentType.includes('json')) {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { model?: unknown; stream?: unknown };
      return { model: typeof parsed.model === 'string' ? parsed.model : null, stream: parsed.stream === true };
    } catch {
      return { model: null, stream: false };
    }
  }
  if (contentType.startsWith('multipart/form-data')) {
    // The model field of an audio upload; only the first 64 KiB are searched.
    const match = MULTIPART_MODEL.exec(body.subarray(0, 65536).toString('latin1'));
    return { model: match?.[1]?.trim() ?? null, stream: false };
  }
  return { model: null, stream: false };
}
