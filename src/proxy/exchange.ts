import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestLogEntry } from '../logs/request-log-types.js';
import { parseUpstreamBody } from '../siliconflow/body.js';
import { describeAnswer } from '../siliconflow/errors.js';
import { isPaidOnlyModel } from '../siliconflow/models.js';
import type { CorsHeaders } from './cors.js';
import { clientErrorBody, decodedBody, redactKeys } from './error-body.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { classifyAnswer, KEY_OUTCOMES, type Outcome } from './outcome.js';
import type { PoolKey } from './pool/pool-key.js';
import type { ProxyDeps } from './proxy-deps.js';
import { MESSAGES, PROXY_CODES, sendProxyError } from './proxy-errors.js';
import type { RequestFacts } from './request-body.js';
import { SHUTDOWN_MESSAGE } from './stopping.js';
import { streamToClient } from './stream-response.js';
import { isTimeout, type NoAnswerClass } from './no-answer.js';
import { collectBody, type UpstreamCall, type UpstreamHead } from './upstream-call.js';

/**
 * One client request's way through the pool: pick a key, call SiliconFlow, and act on the outcome
 * table until a response can go to the client. Retries happen only before the first byte was sent,
 * never twice on one key; dead keys spend MAX_KEY_TRIES, upstream trouble spends MAX_ATTEMPTS.
 */
export class Exchange {
  private readonly started = Date.now();
  /** The client went away; `current` is the upstream call in flight, if any. */
  private aborted = false;
  private current: UpstreamCall | undefined;
  private readonly log: RequestLogEntry;
  private readonly tried = new Set<number>();
  private keyTries = 0;
  private troubles = 0;
  private lastTrouble: NoAnswerClass | 'upstream-5xx' | null = null;
  private needsPaid = false;
  /** A free model: exhausted keys are tried first (until one shows the model is not free after all). */
  private free = false;
  private finished = false;
  private readonly cors: CorsHeaders;
  /** The server's shutdown deadline came (stop()): end now, try no other key. */
  private stopping = false;

  constructor(
    private readonly deps: ProxyDeps,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    /** The exchanges not finished yet (proxy-handler.ts), for stop(): this one is in it until finish(). */
    private readonly open?: Set<Exchange>,
  ) {
    this.cors = deps.cors.headersFor(req.headers.origin);
    open?.add(this);
    this.log = {
      time: this.started,
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0]!,
      model: null,
      stream: false,
      status: 0,
      keyId: null,
      attempts: 0,
      firstByteMs: null,
      totalMs: 0,
      promptTokens: null,
      completionTokens: null,
      totalTokens: null,
      errorClass: null,
    };
    // The client went away before the response was complete: stop the upstream call at once, in any phase.
    res.on('close', () => {
      if (res.writableFinished) return;
      this.aborted = true;
      this.current?.abort();
    });
  }

  async run(body: Buffer, facts: RequestFacts): Promise<void> {
    this.log.model = facts.model;
    this.log.stream = facts.stream;
    const settings = this.deps.settings();
    this.needsPaid = facts.model !== null && isPaidOnlyModel(facts.model);
    this.free = facts.model !== null && settings.freeModels.includes(facts.model);
    for (;;) {
      if (this.aborted) return this.finish(499, 'client-aborted');
      if (this.stopping) return this.shutDown();
      const backoffMs = this.deps.backoff.remaining();
      if (backoffMs > 0) return this.poolBackoff(backoffMs);
      const key = this.deps.pool.pick({ needsPaid: this.needsPaid, free: this.free, tried: this.tried });
      if (!key) return this.noKey();
      this.tried.add(key.id);
      this.log.keyId = key.id;
      this.log.attempts++;
      if (await this.attempt(key, body)) return;
      if (this.keyTries >= this.deps.limits.maxKeyTries) return this.noKey();
      if (this.troubles >= this.deps.limits.maxAttempts) return this.upstreamFailed();
    }
  }

  /** One call with one key. True when the exchange is over (a response went out, or the client left). */
  private async attempt(key: PoolKey, body: Buffer): Promise<boolean> {
    const s = this.deps.settings();
    const sentAt = Date.now();
    this.current = this.deps.upstream.send({
      method: this.log.method,
      path: this.req.url ?? '/',
      headers: upstreamRequestHeaders(this.req.headers, key.secret, body.length),
      body,
      firstByteTimeoutMs: s.firstByteTimeoutMs,
      idleTimeoutMs: s.idleTimeoutMs,
    });
    const answer = await this.current.head;
    if (answer.kind === 'no-answer') {
      if (this.aborted) return (this.finish(499, 'client-aborted'), true);
      if (this.stopping) return (this.shutDown(), true);
      this.deps.metrics.attempt('upstream-error', null);
      return this.trouble(key, answer.errorClass, answer.message);
    }
    const latency = Date.now() - sentAt;
    if (answer.status < 400) {
      this.deps.metrics.attempt('ok', latency);
      this.deps.pool.succeeded(key);
      this.send(answer, key);
      return true;
    }
    return this.failedAnswer(key, answer, latency);
  }

  private async failedAnswer(key: PoolKey, answer: UpstreamHead, latency: number): Promise<boolean> {
    const collected = await collectBody(answer.call);
    if (!Buffer.isBuffer(collected)) {
      if (this.aborted) return (this.finish(499, 'client-aborted'), true);
      if (this.stopping) return (this.shutDown(), true);
      this.deps.metrics.attempt('upstream-error', latency);
      return this.trouble(key, collected.errorClass, collected.message);
    }
    const bytes = decodedBody(collected, answer.headers['content-encoding']) ?? Buffer.alloc(0);
    const upstream = { status: answer.status, body: parseUpstreamBody(bytes.toString('utf8')) };
    const outcome = classifyAnswer(upstream);
    this.deps.metrics.attempt(outcome, latency);
    const reason = describeAnswer(upstream);
    return this.apply(outcome, key, reason, answer, bytes);
  }

  private apply(outcome: Outcome, key: PoolKey, reason: string, answer: UpstreamHead, bytes: Buffer): boolean {
    const { pool, limits, backoff } = this.deps;
    if (KEY_OUTCOMES.has(outcome)) this.keyTries++;
    switch (outcome) {
      case 'invalid':
        pool.markInvalid(key, reason);
        return false;
      case 'exhausted':
        // An exhausted key refusing a "free" model: the model is not free; use funded keys from here on.
        if (key.status === 'exhausted') this.free = false;
        pool.markExhausted(key, reason);
        return false;
      case 'needs-paid':
        pool.markLacksPaid(key, reason);
        this.needsPaid = true;
        return false;
      case 'rate-limited': {
        const retryAfter = retryAfterMs(answer.headers['retry-after']);
        pool.coolDown(key, Date.now() + (retryAfter ?? limits.cooldownMs), reason);
        const { usable, cooling } = pool.availability();
        const inPool = (id: number) => pool.get(id)?.enabled === true;
        if (backoff.rateLimited(key.id, usable + cooling, limits.cooldownMs, inPool)) return (this.poolBackoff(backoff.remaining()), true);
        return false;
      }
      case 'pool-backoff':
        backoff.trip(limits.poolBackoffMs);
        this.deps.logger.warn({ keyId: key.id }, 'SiliconFlow answered 50603 (IP busy): the pool backs off');
        return (this.poolBackoff(backoff.remaining()), true);
      case 'upstream-error':
        return this.trouble(key, 'upstream-5xx', reason);
      case 'passed-through':
      case 'ok':
        pool.succeeded(key);
        this.sendBuffered(answer, bytes, key);
        return true;
    }
  }

  private trouble(key: PoolKey, errorClass: NoAnswerClass | 'upstream-5xx', reason: string): boolean {
    this.troubles++;
    this.lastTrouble = errorClass;
    this.deps.pool.troubled(key, reason, this.deps.limits.errorAfterFailures);
    return false;
  }

  private send(answer: UpstreamHead, key: PoolKey): void {
    this.log.firstByteMs = Date.now() - this.started;
    streamToClient(answer, clientResponseHeaders(answer.headers, key.secret, this.cors), this.res, this.log.path, (result) => {
      Object.assign(this.log, result.usage);
      if (result.error === 'upstream-broke')
        this.deps.pool.troubled(key, 'the response broke off mid-stream', this.deps.limits.errorAfterFailures);
      if (result.error) this.deps.logger.warn({ keyId: key.id, path: this.log.path, error: result.error }, 'response ended early');
      this.finish(answer.status, result.error);
    });
  }

  /**
   * A passed-through error, as JSON with OpenAI's error object, never with a pool key in it. Decoded
   * (see failedAnswer), so without Content-Encoding.
   */
  private sendBuffered(answer: UpstreamHead, decoded: Buffer, key: PoolKey): void {
    const { method, path, model } = this.log;
    const json = clientErrorBody(decoded.toString('utf8'), { status: answer.status, method, path, model });
    const bytes = Buffer.from(redactKeys(json, key.secret));
    const headers = clientResponseHeaders(answer.headers, key.secret, this.cors);
    delete headers['content-encoding'];
    headers['content-type'] = 'application/json; charset=utf-8';
    headers['content-length'] = bytes.length;
    this.log.firstByteMs = Date.now() - this.started;
    this.res.writeHead(answer.status, headers);
    this.res.end(bytes);
    this.finish(answer.status, `upstream-${answer.status}`);
  }

  private noKey(): void {
    if (this.troubles > 0) return this.upstreamFailed();
    const { usable, cooling } = this.deps.pool.availability();
    const coolingEnd = this.deps.pool.nextCoolingEnd();
    if (usable === 0 && cooling > 0 && coolingEnd !== null) {
      const seconds = Math.max(1, Math.ceil((coolingEnd - Date.now()) / 1000));
      this.error(429, PROXY_CODES.rateLimited, MESSAGES.rateLimited(seconds), { 'retry-after': String(seconds) });
      return this.finish(429, 'all-keys-cooling');
    }
    const message = this.needsPaid ? `${MESSAGES.noUsableKey}（此模型需要充值余额 / this model needs paid balance）` : MESSAGES.noUsableKey;
    // No key comes back within an SDK's retry budget: tell the OpenAI and Anthropic SDKs not to retry
    // (LangChain's defaults otherwise retry this for about 100 s). The 429 above keeps its Retry-After.
    this.error(503, PROXY_CODES.noUsableKey, message, NO_RETRY);
    this.finish(503, 'no-usable-key');
  }

  private upstreamFailed(): void {
    const timeout = isTimeout(this.lastTrouble as NoAnswerClass);
    const status = timeout ? 504 : 502;
    this.error(status, PROXY_CODES.upstreamUnavailable, timeout ? MESSAGES.upstreamTimeout : MESSAGES.upstreamUnavailable);
    this.finish(status, this.lastTrouble ?? 'upstream-error');
  }

  private poolBackoff(remainingMs: number): void {
    const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
    this.error(429, PROXY_CODES.rateLimited, MESSAGES.poolBackoff(seconds), { 'retry-after': String(seconds) });
    this.finish(429, 'pool-backoff');
  }

  /** An answer the proxy gives itself before any key is used (bad method, access key or path, body too large). */
  reject(status: number, code: number, message: string, errorClass: string, headers: Record<string, string> = {}): void {
    this.error(status, code, message, headers);
    this.finish(status, errorClass);
  }

  /** Every answer of the proxy's own carries the CORS headers, so a browser client can read it. */
  private error(status: number, code: number, message: string, headers: Record<string, string> = {}): void {
    sendProxyError(this.res, status, code, message, { ...this.cors, ...headers });
  }

  /**
   * The server's shutdown deadline: ends this exchange now. A stream gets a last error event (see
   * streamToClient); a call still waiting for SiliconFlow's answer is answered with an error — not
   * retried on another key, and no key is blamed.
   */
  stop(): void {
    this.stopping = true;
    this.current?.abort('shutdown');
  }

  private shutDown(): void {
    this.error(503, PROXY_CODES.upstreamUnavailable, SHUTDOWN_MESSAGE, { connection: 'close' });
    this.finish(503, 'shutdown');
  }

  /** Something unexpected: answer 500 if nothing was sent yet, log it whole. */
  crash(err: unknown): void {
    this.deps.logger.error({ err, path: this.log.path }, 'proxy failure');
    if (!this.res.headersSent) this.error(500, PROXY_CODES.internalError, MESSAGES.internalError);
    else this.res.destroy();
    this.finish(500, 'internal-error');
  }

  /** Writes the log row and the metrics, once. */
  finish(status: number, errorClass: string | null): void {
    if (this.finished) return;
    this.finished = true;
    this.open?.delete(this);
    this.log.status = status;
    this.log.errorClass = errorClass;
    this.log.totalMs = Date.now() - this.started;
    this.deps.logs.write(this.log);
    this.deps.metrics.requestFinished(status);
  }
}

const NO_RETRY = { 'x-should-retry': 'false' };

/** Retry-After in seconds or as an HTTP date; SiliconFlow has not been seen sending it, but honour one. */
function retryAfterMs(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}
