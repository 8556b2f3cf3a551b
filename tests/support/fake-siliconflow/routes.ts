/** Every /v1 endpoint the fake serves; anything else is the upstream's plain-text 404. */
import { MODELS_PATH, USER_INFO_PATH } from '../../../src/siliconflow/endpoints.js';
import { audioSpeech, audioTranscriptions } from './audio.js';
import { chatCompletions } from './chat.js';
import { completions } from './completions.js';
import type { Route } from './context.js';
import { imageGenerations } from './images.js';
import { jobRoute } from './job-routes.js';
import { anthropicMessages } from './messages.js';
import { listModels } from './models.js';
import { embeddings, rerank } from './retrieval.js';
import { userInfo } from './user-info.js';

const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  [`GET ${USER_INFO_PATH}`, { billable: false, handle: userInfo }],
  [`GET ${MODELS_PATH}`, { billable: false, handle: listModels }],
  ['POST /v1/chat/completions', { billable: true, handle: chatCompletions }],
  ['POST /v1/completions', { billable: true, handle: completions }],
  ['POST /v1/messages', { billable: true, handle: anthropicMessages }],
  ['POST /v1/embeddings', { billable: true, handle: embeddings }],
  ['POST /v1/rerank', { billable: true, handle: rerank }],
  ['POST /v1/images/generations', { billable: true, handle: imageGenerations }],
  ['POST /v1/audio/speech', { billable: true, handle: audioSpeech }],
  ['POST /v1/audio/transcriptions', { billable: true, handle: audioTranscriptions }],
]);

export function findRoute(method: string | undefined, pathname: string): Route | undefined {
  // Files, batches and video jobs (job-routes.ts): some of their paths carry the job's id.
  return ROUTES.get(`${method ?? 'GET'} ${pathname}`) ?? jobRoute(method ?? 'GET', pathname);
}
