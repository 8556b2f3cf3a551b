import type { AxiosInstance, AxiosStatic } from 'axios';
import { parseUpstreamBody } from '../siliconflow/body.js';
import { MODELS_PATH, USER_INFO_PATH } from '../siliconflow/endpoints.js';

const CHAT_PATH = '/v1/chat/completions';
import type { CallOutcome } from './classify.js';

let loadingAxios: Promise<AxiosStatic> | undefined;

/**
 * axios takes ~0.1 s to load, a tenth of a start, and only these admin-side calls use it (never /v1
 * or /health), so it loads on the first of them instead of before the server can answer.
 */
function loadAxios(): Promise<AxiosStatic> {
  return (loadingAxios ??= import('axios').then((module) => module.default));
}

/** The admin side's calls to SiliconFlow (the proxy has its own hot path). Every call goes to the configured origin. */
export class SiliconFlowClient {
  private http: Promise<AxiosInstance> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  private instance(): Promise<AxiosInstance> {
    return (this.http ??= loadAxios().then((axios) => this.create(axios)));
  }

  private create(axios: AxiosStatic): AxiosInstance {
    return axios.create({
      baseURL: this.baseUrl,
      timeout: this.timeoutMs,
      // Every status is an answer to classify, not an exception.
      validateStatus: () => true,
      // Bodies can be JSON objects, bare JSON strings or plain text: parseUpstreamBody reads all three.
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      proxy: false,
    });
  }

  userInfo(key: string): Promise<CallOutcome> {
    return this.get(USER_INFO_PATH, key);
  }

  models(key: string): Promise<CallOutcome> {
    return this.get(MODELS_PATH, key);
  }

  /**
   * The recovery job's probe of an exhausted key once user/info is retired: the smallest billable
   * call, one token of a cheap priced model (docs/proxy.md, "States and their way back", says what it costs).
   */
  chatProbe(key: string, model: string): Promise<CallOutcome> {
    const body = { model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 1, stream: false };
    return this.call((http) =>
      http.post<string>(CHAT_PATH, JSON.stringify(body), this.options(key, { 'Content-Type': 'application/json' })),
    );
  }

  private get(path: string, key: string): Promise<CallOutcome> {
    return this.call((http) => http.get<string>(path, this.options(key)));
  }

  private options(key: string, headers: Record<string, string> = {}) {
    return { headers: { ...headers, Authorization: `Bearer ${key}` } };
  }

  private async call(send: (http: AxiosInstance) => Promise<{ status: number; data: string }>): Promise<CallOutcome> {
    const http = await this.instance();
    try {
      const res = await send(http);
      return { kind: 'answer', status: res.status, body: parseUpstreamBody(res.data) };
    } catch (err) {
      return { kind: 'no-answer', reason: networkReason(err) };
    }
  }
}

/** A short reason for lastError, e.g. "timeout after 15000 ms" or "ECONNREFUSED". Never includes request headers. */
function networkReason(err: unknown): string {
  // The same test as axios.isAxiosError, without needing the module here.
  if (isAxiosError(err)) {
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') return `timeout: ${err.message}`;
    return `network error: ${err.code ?? err.message}`;
  }
  return `network error: ${err instanceof Error ? err.message : String(err)}`;
}

function isAxiosError(err: unknown): err is { code?: string; message: string } {
  return typeof err === 'object' && err !== null && (err as { isAxiosError?: unknown }).isAxiosError === true;
}
