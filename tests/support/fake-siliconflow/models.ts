/** The fake's model catalogue and GET /v1/models. */
import type { FakeContext } from './context.js';
import { sendJson } from './http-util.js';

export type ModelSubType = 'chat' | 'embedding' | 'reranker' | 'text-to-image' | 'text-to-speech' | 'speech-to-text';

interface CatalogueEntry {
  id: string;
  type: 'text' | 'image' | 'audio';
  subType: ModelSubType;
}

const CREATED = 1_732_000_000; // a fixed date, so answers are deterministic

/** Free and paid models of each kind; what each costs is the tariff's business (prices.ts). */
const CATALOGUE: readonly CatalogueEntry[] = [
  { id: 'Qwen/Qwen2.5-7B-Instruct', type: 'text', subType: 'chat' },
  { id: 'Qwen/Qwen2.5-Coder-7B-Instruct', type: 'text', subType: 'chat' },
  { id: 'THUDM/glm-4-9b-chat', type: 'text', subType: 'chat' },
  { id: 'deepseek-ai/DeepSeek-V3', type: 'text', subType: 'chat' },
  { id: 'deepseek-ai/DeepSeek-R1', type: 'text', subType: 'chat' },
  // Not in the shipped price table: the app counts its usage as unpriced, the fake bills it nothing.
  { id: 'Qwen/Qwen2.5-72B-Instruct', type: 'text', subType: 'chat' },
  { id: 'Pro/deepseek-ai/DeepSeek-R1', type: 'text', subType: 'chat' },
  { id: 'Pro/deepseek-ai/DeepSeek-V3', type: 'text', subType: 'chat' },
  { id: 'Pro/Qwen/Qwen2.5-7B-Instruct', type: 'text', subType: 'chat' },
  { id: 'BAAI/bge-m3', type: 'text', subType: 'embedding' },
  { id: 'BAAI/bge-reranker-v2-m3', type: 'text', subType: 'reranker' },
  { id: 'Qwen/Qwen3-Embedding-8B', type: 'text', subType: 'embedding' },
  { id: 'Qwen/Qwen3-Reranker-8B', type: 'text', subType: 'reranker' },
  { id: 'Kwai-Kolors/Kolors', type: 'image', subType: 'text-to-image' },
  { id: 'black-forest-labs/FLUX.1-dev', type: 'image', subType: 'text-to-image' },
  { id: 'FunAudioLLM/CosyVoice2-0.5B', type: 'audio', subType: 'text-to-speech' },
  { id: 'FunAudioLLM/SenseVoiceSmall', type: 'audio', subType: 'speech-to-text' },
];

/**
 * The prompt tokens every chat model of the fake accepts, fewer than max_seq_len (the upstream's
 * 20015 names both numbers); 32K is the context of the small free Qwen models, the tightest of the real ones.
 */
export const MAX_SEQ_LEN = 32_768;

export function isKnownModel(id: unknown, subType: ModelSubType): id is string {
  return CATALOGUE.some((entry) => entry.id === id && entry.subType === subType);
}

/** Reasoning models answer with reasoning_content before content. */
export function isReasoningModel(id: string): boolean {
  return id.includes('R1');
}

/** Filters loosely like the upstream: `type` and `sub_type` each narrow the list when given. */
export function listModels(ctx: FakeContext): void {
  const type = ctx.query.get('type');
  const subType = ctx.query.get('sub_type');
  const data = CATALOGUE.filter((entry) => !type || entry.type === type)
    .filter((entry) => !subType || entry.subType === subType)
    .map((entry) => ({ id: entry.id, object: 'model', created: CREATED, owned_by: ownerOf(entry.id) }));
  sendJson(ctx.res, 200, { object: 'list', data });
}

function ownerOf(id: string): string {
  const parts = id.split('/');
  return (parts[0] === 'Pro' ? parts[1] : parts[0]) ?? '';
}
