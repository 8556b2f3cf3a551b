/** POST /v1/images/generations, and the placeholder PNG its URLs point at. */
import type { ServerResponse } from 'node:http';
import { parseJsonObject, type FakeContext } from './context.js';
import { ERRORS, sendUpstreamError } from './errors.js';
import { sha256 } from './fake-text.js';
import { sendJson } from './http-util.js';
import { isKnownModel } from './models.js';

/** A 1×1 PNG: enough for a browser to show something where the URL is used. */
const PLACEHOLDER_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export const IMAGE_PATH_PREFIX = '/_fake/images/';

export function imageGenerations(ctx: FakeContext): void {
  const request = parseJsonObject(ctx.body);
  if (!request) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  if (!isKnownModel(request.model, 'text-to-image')) return sendUpstreamError(ctx.res, ERRORS.modelNotFound);
  if (typeof request.prompt !== 'string' || request.prompt === '') {
    return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  }

  const prompt = request.prompt;
  const seed = typeof request.seed === 'number' ? request.seed : sha256(prompt).readUInt32BE(0);
  const batch = typeof request.batch_size === 'number' ? Math.min(4, Math.max(1, Math.floor(request.batch_size))) : 1;
  const images = Array.from({ length: batch }, (_, i) => ({
    url: `${ctx.baseUrl}${IMAGE_PATH_PREFIX}${sha256(`${prompt}:${seed}:${i}`).toString('hex').slice(0, 16)}.png`,
  }));
  ctx.openTab(request.model).runTo({ images: images.length });
  sendJson(ctx.res, 200, { images, data: images, timings: { inference: 0.42 }, seed, shared_id: '0' });
}

export function sendPlaceholderImage(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': PLACEHOLDER_PNG.length });
  res.end(PLACEHOLDER_PNG);
}
