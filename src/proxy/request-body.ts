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

/**
 * What the proxy reads from a request body for routing, logging and metering: `model`, `stream`,
 * and what an answer without a usage is billed by — the UTF-8 bytes of a string `input` (speech
 * synthesis) and the `batch_size` of an image generation.
 */
export type RequestFacts = { model: string | null; stream: boolean; inputBytes: number | null; batchSize: number | null };

const NO_FACTS: RequestFacts = Object.freeze({ model: null, stream: false, inputBytes: null, batchSize: null });

const MULTIPART_SEARCHED = 65536;
const MULTIPART_MODEL = /name="model"\r\n(?:[^\r\n]*\r\n)*\r\n([^\r\n]{1,200})\r\n/;

/** Reads the request's facts without changing the bytes forwarded. */
export function requestFacts(body: Buffer, contentType: string | undefined): RequestFacts {
  if (body.length === 0 || !contentType) return NO_FACTS;
  if (contentType.includes('json')) {
    try {
      return jsonFacts(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    } catch {
      return NO_FACTS;
    }
  }
  if (contentType.startsWith('multipart/form-data')) {
    // The model field of an audio upload; only the first 64 KiB are searched.
    const match = MULTIPART_MODEL.exec(body.subarray(0, MULTIPART_SEARCHED).toString('latin1'));
    return { ...NO_FACTS, model: match?.[1]?.trim() ?? null };
  }
  return NO_FACTS;
}

/**
 * Where the multipart `model` field's value lies (the bytes requestFacts read, without the spaces
 * it trims), as byte offsets: latin1 decodes one character per byte, so the match's offsets are the body's.
 */
export function multipartModelSpan(body: Buffer): { start: number; end: number } | null {
  const match = MULTIPART_MODEL.exec(body.subarray(0, MULTIPART_SEARCHED).toString('latin1'));
  if (!match) return null;
  const raw = match[1]!;
  const rawStart = match.index + match[0].length - 2 - raw.length;
  const start = rawStart + (raw.length - raw.trimStart().length);
  return { start, end: rawStart + raw.trimEnd().length };
}

function jsonFacts(parsed: Record<string, unknown> | null): RequestFacts {
  if (typeof parsed !== 'object' || parsed === null) return NO_FACTS;
  const { model, stream, input, batch_size: batch } = parsed;
  return {
    model: typeof model === 'string' ? model : null,
    stream: stream === true,
    inputBytes: typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : null,
    batchSize: typeof batch === 'number' && Number.isInteger(batch) && batch > 0 ? batch : null,
  };
}
