import type { ServerResponse } from 'node:http';

/** The original system's codes: 50301 no usable key, 50300 upstream unavailable. */
export const PROXY_CODES = {
  unauthorized: 40100,
  payloadTooLarge: 41300,
  rateLimited: 42900,
  upstreamUnavailable: 50300,
  noUsableKey: 50301,
} as const;

/**
 * An error the proxy itself answers. The body carries both shapes clients read: the original
 * `{code, message}` and OpenAI's `{error: {message, type, code}}`, so SDKs show the message.
 */
export function sendProxyError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return void res.end();
  const body = JSON.stringify({ code, message, error: { message, type: errorType(status), code } });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 413) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 500) return 'internal_error';
  return 'upstream_error';
}

export const MESSAGES = {
  unauthorized: '缺少或错误的访问密钥（Authorization: Bearer <访问密钥>）。Missing or wrong access key.',
  tooLarge: (max: number) => `请求体超过上限 ${max} 字节。The request body is larger than ${max} bytes.`,
  noUsableKey: '没有可用的 API 密钥：密钥池为空，或所有密钥都已失效、余额不足、被限流或停用。No usable API key in the pool.',
  rateLimited: (seconds: number) => `所有可用密钥都被 SiliconFlow 限流，请 ${seconds} 秒后重试。Every usable key is rate-limited; retry in ${seconds} s.`,
  poolBackoff: (seconds: number) =>
    `SiliconFlow 暂时限制了本服务器的请求（系统繁忙），请 ${seconds} 秒后重试。SiliconFlow is limiting this server; retry in ${seconds} s.`,
  upstreamUnavailable: 'SiliconFlow 上游暂时不可用，多次重试均失败。SiliconFlow is unavailable: every attempt failed.',
  upstreamTimeout: 'SiliconFlow 上游响应超时，多次重试均失败。SiliconFlow did not answer in time on every attempt.',
};
