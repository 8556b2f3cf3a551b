/**
 * What one answer consumed, in the units SiliconFlow bills (docs/siliconflow.md, "Billing and prices"):
 * null where the answer did not say. Reasoning tokens are part of `outputTokens` (they bill as output).
 */
export type Metered = {
  inputTokens: number | null;
  outputTokens: number | null;
  /** Images generated. */
  images: number | null;
  /** UTF-8 bytes of the text sent to speech synthesis. */
  inputBytes: number | null;
};

export const NOTHING_METERED: Metered = Object.freeze({ inputTokens: null, outputTokens: null, images: null, inputBytes: null });
