import { STATUS_CODES, type ServerResponse } from 'node:http';
import { errorBody, sendJsonError, type ErrorBody } from '../http-error.js';

/** The original system's codes (50301 no usable key, 50300 upstream unavailable) and the proxy's own, HTTP status × 100 + n. */
export const PROXY_CODES = {
  badPath: 40000,
  unauthorized: 40100,
  clientDisabled: 40101,
  clientExpired: 40102,
  clientIpRefused: 40301,
  clientModelRefused: 40302,
  clientUnpriced: 40303,
  forbiddenEndpoint: 40300,
  methodNotAllowed: 40500,
  payloadTooLarge: 41300,
  rateLimited: 42900,
  clientBudget: 42901,
  clientRpm: 42902,
  clientConcurrency: 42903,
  internalError: 50000,
  upstreamUnavailable: 50300,
  noUsableKey: 50301,
  // Jobs that belong to one key (job-affinity.ts).
  jobNotFound: 40401,
  jobKeyDeleted: 41001,
  jobKeyDisabled: 41002,
} as const;

/** An error the proxy itself answers (see proxyErrorBody), with the server's one JSON error sender. */
export function sendProxyError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
  details?: Readonly<Record<string, unknown>>,
): void {
  sendJsonError(res, status, proxyErrorBody(status, code, message, details), headers);
}

/**
 * The server's error shape, carrying both shapes the proxy's clients read: OpenAI's `{error: {message,
 * type, code}}`, so SDKs show the message and branch on the type, and beside it the original system's
 * `{code, message}`.
 */
export function proxyErrorBody(status: number, code: number, message: string, details?: Readonly<Record<string, unknown>>): ErrorBody {
  return errorBody(code, message, { details: { type: errorType(status), ...details }, beside: { code, message } });
}

/**
 * A complete HTTP/1.1 error answer as bytes, for a socket Node gives no response object for (CONNECT,
 * a method its parser refuses). The connection is closed after it.
 */
export function rawProxyError(status: number, code: number, message: string, headers: Record<string, string> = {}): string {
  const body = JSON.stringify(proxyErrorBody(status, code, message));
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${extra}content-type: application/json; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/** OpenAI's (and Anthropic's) error types, which SDKs and clients branch on. */
export function errorType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    case 500:
      return 'internal_error';
    default:
      return status < 500 ? 'invalid_request_error' : 'upstream_error';
  }
}

export const MESSAGES = {
  badPath:
    '请求路径不能含有 . 或 .. 路径段、反斜杠或编码的斜杠。The request path must not contain . or .. segments, backslashes or encoded slashes.',
  methodNotAllowed: '/v1 只接受 GET、POST、PUT、PATCH、DELETE 和 OPTIONS 请求。/v1 accepts GET, POST, PUT, PATCH, DELETE and OPTIONS only.',
  userInfo:
    "本服务不转发 /v1/user/info：它会暴露池中账户的邮箱和资料。/v1/user/info is not served here: it would expose the pool accounts' e-mail and profile.",
  internalError: '代理内部错误，详情见服务器日志。Internal error in the proxy; see the server log.',
  unauthorized: '缺少或错误的访问密钥（Authorization: Bearer <访问密钥>）。Missing or wrong access key.',
  tooLarge: (max: number) => `请求体超过上限 ${max} 字节。The request body is larger than ${max} bytes.`,
  noUsableKey:
    '没有可用的 API 密钥：密钥池为空，或所有密钥都已失效、余额不足或停用，或本请求已试过太多有问题的密钥。No usable API key in the pool.',
  rateLimited: (seconds: number) =>
    `能用的密钥所属的账户对这个模型都被 SiliconFlow 限流，请 ${seconds} 秒后重试。Every usable key's account is rate-limited for this model; retry in ${seconds} s.`,
  poolBackoff: (seconds: number) =>
    `SiliconFlow 暂时限制了本服务器的请求（系统繁忙），请 ${seconds} 秒后重试。SiliconFlow is limiting this server; retry in ${seconds} s.`,
  upstreamUnavailable: 'SiliconFlow 上游暂时不可用，多次重试均失败。SiliconFlow is unavailable: every attempt failed.',
  upstreamTimeout: 'SiliconFlow 上游响应超时，多次重试均失败。SiliconFlow did not answer in time on every attempt.',
  // Jobs that belong to one key (job-affinity.ts).
  jobNotFound: '此客户端密钥没有这个任务（文件、批量任务或视频）。This client key has no such job (file, batch or video).',
  jobKeyDeleted:
    '创建此任务的 API 密钥已从池中删除：文件、批量任务和视频任务只能用创建它们的账户访问。' +
    "This job's key was deleted from the pool: files, batches and video jobs can only be reached with the account that created them.",
  jobKeyDisabled:
    '此文件所属的 API 密钥已被管理员停用，不能用它创建新的批量任务。' +
    "This file's key was disabled by the admin: no new batch is started with it.",
};
