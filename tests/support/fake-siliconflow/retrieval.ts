/** POST /v1/embeddings and POST /v1/rerank: deterministic vectors and scores. */
import { parseJsonObject, type FakeContext } from './context.js';
import { ERRORS, sendUpstreamError } from './errors.js';
import { estimateTokens, randomishId, seededFloats, sha256 } from './fake-text.js';
import { sendJson } from './http-util.js';
import { isKnownModel } from './models.js';

const EMBEDDING_DIMENSIONS = 8;

export function embeddings(ctx: FakeContext): void {
  const request = parseJsonObject(ctx.body);
  if (!request) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  if (!isKnownModel(request.model, 'embedding')) return sendUpstreamError(ctx.res, ERRORS.modelNotFound);
  const inputs = stringList(request.input);
  if (!inputs) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);

  const tokens = inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
  ctx.openTab(request.model).runTo({ inputTokens: tokens });
  sendJson(ctx.res, 200, {
    object: 'list',
    model: request.model,
    data: inputs.map((text, index) => ({
      object: 'embedding',
      index,
      embedding: seededFloats(text, EMBEDDING_DIMENSIONS),
    })),
    usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens },
  });
}

export function rerank(ctx: FakeContext): void {
  const request = parseJsonObject(ctx.body);
  if (!request) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);
  if (!isKnownModel(request.model, 'reranker')) return sendUpstreamError(ctx.res, ERRORS.modelNotFound);
  const documents = stringList(request.documents);
  if (typeof request.query !== 'string' || !documents) return sendUpstreamError(ctx.res, ERRORS.invalidParameter);

  const query = request.query;
  const topN = typeof request.top_n === 'number' ? request.top_n : documents.length;
  const withDocuments = request.return_documents !== false;
  const results = documents
    .map((text, index) => ({ index, relevance_score: relevance(query, text), text }))
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    .slice(0, Math.max(0, topN))
    .map(({ index, relevance_score, text }) => ({
      index,
      relevance_score,
      ...(withDocuments ? { document: { text } } : {}),
    }));
  const inputTokens = estimateTokens(query) * documents.length + documents.reduce((s, d) => s + estimateTokens(d), 0);
  const tokens = { input_tokens: inputTokens, output_tokens: 0 };
  ctx.openTab(request.model).runTo({ inputTokens });
  sendJson(ctx.res, 200, {
    id: randomishId(''),
    results,
    meta: { billed_units: { ...tokens, search_units: 0, classifications: 0 }, tokens },
    tokens,
  });
}

/** Shared words lift the score; a hash-derived fraction breaks ties deterministically. */
function relevance(query: string, document: string): number {
  const queryWords = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
  const docWords = document.toLowerCase().split(/\W+/).filter(Boolean);
  const shared = docWords.filter((word) => queryWords.has(word)).length;
  const overlap = queryWords.size === 0 ? 0 : Math.min(1, shared / queryWords.size);
  const jitter = sha256(`${query}\u0000${document}`).readUInt16BE(0) / 65536;
  return Math.round((overlap * 0.9 + jitter * 0.1) * 1e6) / 1e6;
}

/** A string or an array of strings (rerank also accepts {text} documents) as a list. */
function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const texts = value.map((item: unknown) => (typeof item === 'string' ? item : (item as { text?: unknown } | null)?.text));
  return texts.every((text): text is string => typeof text === 'string') ? texts : undefined;
}
