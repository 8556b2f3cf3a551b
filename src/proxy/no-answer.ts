/** Why SiliconFlow gave no answer to a call. */
export type NoAnswer = { kind: 'no-answer'; errorClass: NoAnswerClass; message: string };
export type NoAnswerClass =
  | 'connect-timeout'
  | 'first-byte-timeout'
  | 'idle-timeout'
  | 'connection-refused'
  | 'connection-reset'
  | 'client-aborted'
  | 'network-error'
  /** A 200 SSE answer that closed before its first event (first-event.ts): nothing was answered. */
  | 'empty-stream';

/** Error codes from undici and Node's sockets, mapped to what happened (never by message text). */
const CLASS_BY_CODE: Record<string, NoAnswerClass> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect-timeout',
  UND_ERR_HEADERS_TIMEOUT: 'first-byte-timeout',
  UND_ERR_BODY_TIMEOUT: 'idle-timeout',
  ECONNREFUSED: 'connection-refused',
  ECONNRESET: 'connection-reset',
  EPIPE: 'connection-reset',
  UND_ERR_SOCKET: 'connection-reset',
  UND_ERR_CLOSED: 'connection-reset',
  UND_ERR_ABORTED: 'client-aborted',
  ABORT_ERR: 'client-aborted',
};

export function classifyNetworkError(err: unknown): NoAnswer {
  const e = err as { code?: string; name?: string; cause?: { code?: string }; message?: string };
  const errorClass =
    CLASS_BY_CODE[e.code ?? ''] ?? CLASS_BY_CODE[e.cause?.code ?? ''] ?? (e.name === 'AbortError' ? 'client-aborted' : 'network-error');
  return { kind: 'no-answer', errorClass, message: `${errorClass}: ${e.code ?? e.name ?? 'error'}` };
}

export const isTimeout = (c: NoAnswerClass | null) => c === 'connect-timeout' || c === 'first-byte-timeout' || c === 'idle-timeout';
