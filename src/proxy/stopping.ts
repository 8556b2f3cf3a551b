/** What a client is told when the server stops before its request is done (see Exchange.stop). */
export const SHUTDOWN_MESSAGE = '服务器正在停止，请稍后重试。The server is shutting down; retry in a moment.';
