/**
 * POST /v1/video/submit (`{model, prompt, …}` → `{requestId}`) and POST /v1/video/status
 * (`{requestId}` → `{status, reason, results}`). Each status call moves the job on one step:
 * InQueue, InProgress, then Succeed with a video URL — or Failed for the prompt "fake:fail".
 */
import { randomUUID } from 'node:crypto';
import { parseJsonObject, type FakeContext } from './context.js';
import { ERRORS, sendUpstreamError } from './errors.js';
import { sha256 } from './fake-text.js';
import { sendJson } from './http-util.js';
import { accountOfRequest, UNKNOWN_JOB, type FakeVideo } from './jobs.js';

/** Video models of the fake; none is in the shipped price table (so unpriced unless a test prices one). */
export const VIDEO_MODELS: readonly string[] = ['Wan-AI/Wan2.2-T2V-A14B', 'Wan-AI/Wan2.2-I2V-A14B'];

export const FAIL_PROMPT = 'fake:fail';
const STEPS = ['InQueue', 'InProgress'] as const;

export function submitVideo(ctx: FakeContext): void {
  const request = parseJsonObject(ctx.body);
  if (!request) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  const { model, prompt } = request;
  if (typeof model !== 'string' || !VIDEO_MODELS.includes(model)) return sendUpstreamError(ctx.res, ERRORS.modelNotFound);
  if (typeof prompt !== 'string' || prompt === '') return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  const video: FakeVideo = { requestId: randomUUID(), account: accountOfRequest(ctx), model, prompt, polls: 0 };
  ctx.jobs.videos.set(video.requestId, video);
  // A video is billed when it is submitted: one video at the model's price.
  ctx.openTab(model).runTo({ videos: 1 });
  sendJson(ctx.res, 200, { requestId: video.requestId });
}

export function videoStatus(ctx: FakeContext): void {
  const requestId = parseJsonObject(ctx.body)?.requestId;
  if (typeof requestId !== 'string') return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  const video = ctx.jobs.video(requestId, accountOfRequest(ctx));
  if (!video) return sendUpstreamError(ctx.res, UNKNOWN_JOB.video);
  const step = STEPS[video.polls++];
  if (step) return sendJson(ctx.res, 200, { status: step, reason: '', results: null });
  if (video.prompt === FAIL_PROMPT) return sendJson(ctx.res, 200, { status: 'Failed', reason: 'fake failure', results: null });
  const name = sha256(`${video.requestId}:${video.prompt}`).toString('hex').slice(0, 16);
  sendJson(ctx.res, 200, {
    status: 'Succeed',
    reason: '',
    results: { videos: [{ url: `${ctx.baseUrl}/_fake/videos/${name}.mp4` }], timings: { inference: 42 }, seed: 7 },
  });
}
