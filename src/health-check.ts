import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from './db/database.js';
import { errorBody, sendJsonError } from './http-error.js';
import type { Logger } from './logger.js';

export type HealthDeps = { db: Pick<Db, 'prepare'>; logger: Logger };

const OK = JSON.stringify({ status: 'ok' });

/**
 * GET /health: 200 when the database answers, 503 when it does not. For load balancers and container
 * health checks. A plain Node handler: the server answers it without Express (http-server.ts), so a
 * health check does not load the web side; routes/health.routes.ts mounts the same answer in the
 * Express app.
 */
export function healthCheck({ db, logger }: HealthDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const ping = db.prepare('SELECT 1');
  return (_req, res) => {
    try {
      ping.get();
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(OK) });
      res.end(OK); // Node sends no body to a HEAD
    } catch (err) {
      logger.error({ err }, 'health check: database does not answer');
      const body = errorBody('database-unavailable', 'The database does not answer.', { beside: { status: 'error' } });
      sendJsonError(res, 503, body);
    }
  };
}

/** A GET or HEAD of /health (Express's matching: any query, one trailing slash, any case). */
export function isHealthRequest(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = req.url ?? '';
  const end = url.indexOf('?');
  const path = (end < 0 ? url : url.slice(0, end)).toLowerCase();
  return path === '/health' || path === '/health/';
}
