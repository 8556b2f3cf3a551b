import { Agent, type Dispatcher } from 'undici';

export type UpstreamRequest = {
  method: string;
  /** Path and query, e.g. /v1/chat/completions?x=1 */
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  signal: AbortSignal;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
};

export type UpstreamResponse = { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; body: Dispatcher.ResponseData['body'] };
export type NoAnswer = { kind: 'no-answer'; errorClass: NoAnswerClass; message: string };
export type NoAnswerClass =
  | 'connect-timeout'
  | 'first-byte-timeout'
  | 'idle-timeout'
  | 'connection-refused'
  | 'connection-reset'
  | 'client-aborted'
  | 'network-error';

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

/**
 * The proxy's hot path to SiliconFlow: undici with a keep-alive connection pool. Every call goes to
 * SILICONFLOW_BASE_URL. The connect timeout belongs to the pool, so changing it makes a new one.
 */
export class UpstreamClient {
  private readonly origin: string;
  private readonly basePath: string;
  private agent: Agent;
  private connectTimeoutMs: number;

  constructor(baseUrl: string, connectTimeoutMs: number) {
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.connectTimeoutMs = connectTimeoutMs;
    this.agent = this.newAgent();
  }

  setConnectTimeout(ms: number): void {
    if (ms === this.connectTimeoutMs) return;
    const old = this.agent;
    this.connectTimeoutMs = ms;
    this.agent = this.newAgent();
    void old.close();
  }

  async send(r: UpstreamRequest): Promise<UpstreamResponse | NoAnswer> {
    try {
      const res = await this.agent.request({
        origin: this.origin,
        path: this.basePath + r.path,
        method: r.method as Dispatcher.HttpMethod,
        headers: r.headers,
        body: r.body.length > 0 ? r.body : undefined,
        signal: r.signal,
        headersTimeout: r.firstByteTimeoutMs,
        bodyTimeout: r.idleTimeoutMs,
      });
      return { kind: 'response', status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      return classifyNetworkError(err);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private newAgent(): Agent {
    return new Agent({ connect: { timeout: this.connectTimeoutMs }, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  }
}

/** Reads a (small) error body in full, for classification; gives up past `maxBytes`. */
export async function readSmallBody(body: UpstreamResponse['body'], maxBytes = 1024 * 1024): Promise<Buffer | NoAnswer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        body.destroy();
        return { kind: 'no-answer', errorClass: 'network-error', message: 'error body too large' };
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    return classifyNetworkError(err);
  }
  return Buffer.concat(chunks, size);
}
