/** Which models cost what kind of credit (docs/siliconflow.md, "Billing and prices"). */

/**
 * Models SiliconFlow serves free of charge: an exhausted (valid, zero-balance) key can still serve them,
 * so they are sent to exhausted keys first and the funded keys' rate budgets are kept for paid models.
 */
export const DEFAULT_FREE_MODELS = [
  'Qwen/Qwen3-8B',
  'Qwen/Qwen2.5-7B-Instruct',
  'Qwen/Qwen2.5-Coder-7B-Instruct',
  'Qwen/Qwen2-7B-Instruct',
  'THUDM/GLM-4-9B-0414',
  'THUDM/glm-4-9b-chat',
  'THUDM/GLM-Z1-9B-0414',
  'internlm/internlm2_5-7b-chat',
  'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B',
  'deepseek-ai/DeepSeek-R1-0528-Qwen3-8B',
  'BAAI/bge-m3',
  'BAAI/bge-large-zh-v1.5',
  'BAAI/bge-large-en-v1.5',
  'BAAI/bge-reranker-v2-m3',
  'netease-youdao/bce-embedding-base_v1',
  'netease-youdao/bce-reranker-base_v1',
  'Kwai-Kolors/Kolors',
  'FunAudioLLM/SenseVoiceSmall',
];

/** `Pro/…` models are paid from paid credit only: a gift-only account gets 403 with code 30011 for them. */
export function isPaidOnlyModel(model: string): boolean {
  return model.startsWith('Pro/');
}
