/**
 * The bots (WeCom, DingTalk, Feishu) answer HTTP 200 even when they refuse a message, with a code in
 * the body: anything but 0 is a failure, and the bot's own message says why. A body that is not
 * JSON, or has no such code, is taken as delivered (the HTTP status already said so).
 */
export function botError(body: string, codeField: string, messageField: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const fields = parsed as Record<string, unknown>;
  const code = fields[codeField];
  if (typeof code !== 'number' && typeof code !== 'string') return undefined;
  if (code === 0 || code === '0') return undefined;
  const text = typeof fields[messageField] === 'string' ? fields[messageField] : '';
  return `the bot refused the message: ${codeField} ${code}${text ? ` (${text})` : ''}`;
}
