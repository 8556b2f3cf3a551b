import axios, { type AxiosInstance } from 'axios';
import { parseUpstreamBody } from '../siliconflow/body.js';
import { MODELS_PATH, USER_INFO_PATH } from '../siliconflow/endpoints.js';
import type { CallOutcome } from './classify.js';

/** The admin side's calls to SiliconFlow (the proxy has its own hot path). Every call goes to the configured origin. */
export class SiliconFlowClient {
  private readonly http: AxiosInstance;

  constructor(baseUrl: string, timeoutMs: number) {
    this.http = axios.create({
      baseURL: baseUrl,
      timeout: timeoutMs,
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

  private async get(path: string, key: string): Promise<CallOutcome> {
    try {
      const res = await this.http.get<string>(path, { headers: { Authorization: `Bearer ${key}` } });
      return { kind: 'answer', status: res.status, body: parseUpstreamBody(res.data) };
    } catch (err) {
      return { kind: 'no-answer', reason: networkReason(err) };
    }
  }
}

/** A short reason for lastError, e.g. "timeout after 15000 ms" or "ECONNREFUSED". Never includes request headers. */
function networkReason(err: unknown): string {
  if (axios.isAxiosError(err)) {
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') return `timeout: ${err.message}`;
    return `network error: ${err.code ?? err.message}`;
  }
  return `network error: ${err instanceof Error ? err.message : String(err)}`;
}
