import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { MESSAGES, PROXY_CODES, rawProxyError } from './proxy-errors.js';
import { ALLOW } from './request-checks.js';

/**
 * Requests that never become a request/response pair, answered on the socket itself: Node emits
 * CONNECT as the server's 'connect' event, and llhttp refuses a method it does not know (TRACK, …)
 * as a parse error ('clientError', HPE_INVALID_METHOD). Without these the client saw the connection
 * close without any answer.
 */
const METHOD_NOT_ALLOWED = rawProxyError(405, PROXY_CODES.methodNotAllowed, MESSAGES.methodNotAllowed, { allow: ALLOW });

/** Node's own answers to the other parse errors (lib/_http_server.js, socketOnError), kept as they were. */
const NODE_STATUS: Record<string, number> = { HPE_HEADER_OVERFLOW: 431, HPE_CHUNK_EXTENSIONS_OVERFLOW: 413, ERR_HTTP_REQUEST_TIMEOUT: 408 };

/** No tunnels through this server, to any host or path. */
export function refuseConnect(_req: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  endWith(socket, METHOD_NOT_ALLOWED);
}

export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A response already under way on this connection would be corrupted by another status line:
  // Node's default handler only closes then, and so does this one.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) return void socket.destroy();
  if (err.code === 'HPE_INVALID_METHOD') return endWith(socket, METHOD_NOT_ALLOWED);
  const status = NODE_STATUS[err.code ?? ''] ?? 400;
  endWith(socket, `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`);
}

/** Writes the answer, then closes once it reached the kernel (the client may never close its side). */
function endWith(socket: Duplex, response: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(response);
}
