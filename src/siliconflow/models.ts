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

/**
 * OpenAI's model names as SiliconFlow models (the MODEL_ALIASES setting's default, `alias=model`):
 * SiliconFlow answers 400 "Model does not exist" to `gpt-3.5-turbo`, which OpenAI-style clients and
 * old scripts still send. The small names go to a free chat model, so they answer from any key.
 */
export const DEFAULT_MODEL_ALIASES = [
  'gpt-3.5-turbo=Qwen/Qwen2.5-7B-Instruct',
  'gpt-4o-mini=Qwen/Qwen2.5-7B-Instruct',
  'gpt-4.1-mini=Qwen/Qwen2.5-7B-Instruct',
  'gpt-4o=deepseek-ai/DeepSeek-V3',
  'gpt-4=deepseek-ai/DeepSeek-V3',
  'gpt-4-turbo=deepseek-ai/DeepSeek-V3',
  'gpt-4.1=deepseek-ai/DeepSeek-V3',
  'o1=deepseek-ai/DeepSeek-R1',
  'o1-mini=deepseek-ai/DeepSeek-R1',
  'o3-mini=deepseek-ai/DeepSeek-R1',
  'text-embedding-3-small=BAAI/bge-m3',
  'text-embedding-3-large=BAAI/bge-m3',
  'text-embedding-ada-002=BAAI/bge-m3',
  'whisper-1=FunAudioLLM/SenseVoiceSmall',
  'dall-e-3=Kwai-Kolors/Kolors',
  'dall-e-2=Kwai-Kolors/Kolors',
  'tts-1=FunAudioLLM/CosyVoice2-0.5B',
  'tts-1-hd=FunAudioLLM/CosyVoice2-0.5B',
];

/** `Pro/…` models are paid from paid credit only: a gift-only account gets 403 with code 30011 for them. */
export function isPaidOnlyModel(model: string): boolean {
  return model.startsWith('Pro/');
}
