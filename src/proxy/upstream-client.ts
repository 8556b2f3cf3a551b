import { Agent } from './undici-agent.js';
import { UpstreamCall } from './upstream-call.js';

export type UpstreamRequest = {
  method: string;
  /** Path and query, e.g. /v1/chat/completions?x=1 */
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
};

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

  /** Sends the request; the answer's head (or why there was none) comes through the call's `head`. */
  send(r: UpstreamRequest): UpstreamCall {
    const call = new UpstreamCall();
    this.agent.dispatch(
      {
        origin: this.origin,
        path: this.basePath + r.path,
        method: r.method,
        headers: r.headers,
        body: r.body.length > 0 ? r.body : null,
        headersTimeout: r.firstByteTimeoutMs,
        bodyTimeout: r.idleTimeoutMs,
      },
      call,
    );
    return call;
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private newAgent(): Agent {
    return new Agent({ connect: { timeout: this.connectTimeoutMs }, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  }
}
