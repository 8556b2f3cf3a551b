/** Deterministic text, numbers and token counts for the fake's answers. */
import { createHash, randomUUID } from 'node:crypto';

export function sha256(text: string | Buffer): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A rough tokenizer: about four characters a token, never zero. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * Splits text into word-sized pieces whose concatenation is the text.
 * With `count`, pads with " more" pieces or merges the tail so there are exactly `count` pieces.
 */
export function splitPieces(text: string, count?: number): string[] {
  const pieces = text.match(/\S+\s*|\s+/g) ?? [text];
  if (count === undefined || count < 1) return pieces;
  while (pieces.length < count) pieces.push(' more');
  const head = pieces.slice(0, count - 1);
  return [...head, pieces.slice(count - 1).join('')];
}

/** `n` floats in [-1, 1) derived from the text, so the same input always embeds the same way. */
export function seededFloats(text: string, n: number): number[] {
  const bytes = sha256(text);
  return Array.from({ length: n }, (_, i) => {
    const raw = bytes.readUInt16BE((i * 2) % (bytes.length - 1));
    return Math.round((raw / 32768 - 1) * 1e6) / 1e6;
  });
}

/** Text of a chat/Anthropic message content: a string, or an array of {type:"text", text} parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string'
        ? (part as { text: string }).text
        : '',
    )
    .join('');
}

/** The last user message's text, or "" when there is none. */
export function lastUserText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: unknown; content?: unknown } | null;
    if (message && message.role === 'user') return contentText(message.content);
  }
  return '';
}

export function allMessagesText(messages: unknown[]): string {
  return messages.map((m) => contentText((m as { content?: unknown } | null)?.content)).join('\n');
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function randomishId(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
