import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientState } from '../clients/client-state.js';
import type { RequestLogEntry } from '../logs/request-log-types.js';
import { parseUpstreamBody } from '../siliconflow/body.js';
import { describeAnswer } from '../siliconflow/errors.js';
import type { JobKind } from '../siliconflow/jobs.js';
import { isPaidOnlyModel } from '../siliconflow/models.js';
import type { CorsHeaders } from './cors.js';
import { decodedBody } from './error-body.js';
import { firstEvent, isEventStream } from './first-event.js';
import { clientRefusal } from './client-refusals.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { recordVerdict } from './key-verdict.js';
import type { JobRoute } from './job-affinity.js';
import { newLogEntry } from './log-entry.js';
import { aliasMap } from './model-alias.js';
import { isModelList } from './model-list.js';
import type { NoAnswer } from './no-answer.js';
import { classifyAnswer, isOkStatus, OUTCOMES, type GoesOnRow, type Outcome, type OutcomeRow } from './outcome.js';
import {
  allKeysCooling,
  CLIENT_GONE,
  noUsableKey,
  poolBackingOff,
  SHUTTING_DOWN,
  upstreamUnavailable,
  type Ending,
  type Trouble,
} from './own-answers.js';
import { passedThroughError } from './passed-through.js';
import { NO_MODEL } from './pool/account-block.js';
import { accountOf, type PoolKey } from './pool/pool-key.js';
import type { ProxyDeps } from './proxy-deps.js';
import { MESSAGES, PROXY_CODES, sendProxyError } from './proxy-errors.js';
import type { RequestFacts } from './request-body.js';
import { chargeAnswer } from './spend.js';
import { streamEnded, type HeldVerdict } from './stream-end.js';
import { streamToClient } from './stream-response.js';
import { collectBody, type UpstreamCall, type UpstreamHead } from './upstream-call.js';
import { UsageTap } from './usage-tap.js';
import { isUnread, jobReply, modelListReply, type WholeReply } from './whole-answers.js';

/** How one attempt leaves the exchange; settle() alone decides what follows. */
type Step =
  /** SiliconFlow's answer is going to the client. */
  | Answered
  /** The key is out of service: another key, on the MAX_KEY_TRIES budget. */
  | { readonly kind: 'next-key' }
  /** SiliconFlow's trouble, not the key's: another key, on the MAX_ATTEMPTS budget. */
  | { readonly kind: 'retry'; readonly trouble: Trouble }
  /** The proxy ends the exchange itself. */
  | Ending;
type Answered = { readonly kind: 'answered' };
/** How an exchange is over. */
type Last = Answered | Ending;

// The common steps are constants: an attempt allocates no result of its own.
const ANSWERED: Answered = { kind: 'answered' };
const NEXT_KEY: Step = { kind: 'next-key' };

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
  /** When the first account the pool passed over for this model (cooling, a local budget) comes back. */
  private readonly blocked = { until: 0 };
  private keyTries = 0;
  private troubles = 0;
  /** The last upstream trouble, if any: the answer when the attempts or the keys run out after it. */
  private lastTrouble: Trouble | null = null;
  private needsPaid = false;
  private facts: RequestFacts | undefined;
  /** A free model: exhausted keys are tried first (until one shows the model is not free after all). */
  private free = false;
  private finished = false;
  private readonly cors: CorsHeaders;
  /** The server's shutdown deadline came (stop()): end now, try no other key. */
  private stopping = false;
  /** The client key that called (set once it is known), and whether the gate let the request in (it holds a slot). */
  private client: ClientState | undefined;
  private admitted = false;
  /** A call about a file, batch or video job (job-affinity.ts); null for every other call. */
  private job: JobRoute | null = null;

  constructor(
    private readonly deps: ProxyDeps,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    /** The exchanges not finished yet (proxy-handler.ts), for stop(): this one is in it until finish(). */
    private readonly open?: Set<Exchange>,
  ) {
    this.cors = deps.cors.headersFor(req.headers.origin);
    open?.add(this);
    this.log = newLogEntry(req, this.started);
    // The client went away before the response was complete: stop the upstream call at once, in any phase.
    res.on('close', () => {
      if (res.writableFinished) return;
      this.aborted = true;
      this.current?.abort();
    });
  }

  /** The client key the request came with: its log row and metrics name it. */
  identify(client: ClientState): void {
    this.client = client;
    this.log.clientId = client.id;
  }

  /** The request named an alias of its model (MODEL_ALIASES): the log row keeps the name the client sent. */
  aliasedFrom(alias: string): void {
    this.log.requestedModel = alias;
  }

  /**
   * The client key's checks once the body named the model (model, budgets, RPM, concurrency). False
   * when refused: the refusal is answered and the exchange is over.
   */
  admit(model: string | null, bodyBytes: number): boolean {
    this.log.model = model;
    const refused = this.deps.clients.admit(this.client!, model, bodyBytes, Date.now());
    if (refused) {
      this.end(clientRefusal(refused));
      return false;
    }
    this.admitted = true;
    return true;
  }

  /** Tries keys, one attempt at a time, until an attempt or a check before one ends the exchange. */
  async run(body: Buffer, facts: RequestFacts): Promise<void> {
    this.log.model = facts.model;
    this.log.stream = facts.stream;
    this.facts = facts;
    this.needsPaid = facts.model !== null && isPaidOnlyModel(facts.model);
    this.free = facts.model !== null && this.deps.settings().freeModels.includes(facts.model);
    // Files, batches and video jobs belong to one key (job-affinity.ts); any other path pays one check.
    const job = this.deps.jobs.route(this.log.method, this.log.path, body, this.client!.id);
    if (job && 'kind' in job) return this.end(job);
    this.job = job;
    if (job?.pinned) return this.runPinned(job.pinned, body);
    for (;;) {
      const blocked = this.interrupted() ?? this.backingOff();
      if (blocked) return this.end(blocked);
      const key = this.deps.pool.pick({
        needsPaid: this.needsPaid,
        free: this.free,
        tried: this.tried,
        model: facts.model,
        blocked: this.blocked,
      });
      if (!key) return this.end(this.noKeyLeft());
      this.deps.localLimits.noteUse(key, facts.model);
      this.tried.add(key.id);
      this.log.keyId = key.id;
      this.log.attempts++;
      const last = this.settle(await this.attempt(key, body));
      if (last) return this.end(last);
    }
  }

  /** The one place that decides, after an attempt, whether the exchange is over (and how) or goes on (null). */
  private settle(step: Step): Last | null {
    switch (step.kind) {
      case 'answered':
      case 'ended':
        return step;
      case 'next-key':
        return ++this.keyTries < this.deps.limits.maxKeyTries ? null : this.noKeyLeft();
      case 'retry':
        this.lastTrouble = step.trouble;
        return ++this.troubles < this.deps.limits.maxAttempts ? null : upstreamUnavailable(step.trouble);
    }
  }

  /** One call with one key, and what its answer means for the exchange. */
  private async attempt(key: PoolKey, body: Buffer): Promise<Step> {
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
    const head = await this.current.head;
    if (head.kind === 'no-answer') return this.noAnswer(key, head, null);
    const latency = Date.now() - sentAt;
    if (isOkStatus(head.status)) {
      if (isEventStream(head)) return this.eventStream(key, head, latency);
      this.deps.metrics.attempt('ok', latency);
      return this.act('ok', key, head, null, '');
    }
    // An error answer is small, and only its code says what it means: read it whole first.
    const collected = await collectBody(head.call);
    if (!Buffer.isBuffer(collected)) return this.noAnswer(key, collected, latency);
    const decoded = decodedBody(collected, head.headers['content-encoding']) ?? Buffer.alloc(0);
    const upstream = { status: head.status, body: parseUpstreamBody(decoded.toString('utf8')) };
    const outcome = classifyAnswer(upstream);
    this.deps.metrics.attempt(outcome, latency);
    return this.act(outcome, key, head, decoded, describeAnswer(upstream));
  }

  /** No answer, or its body broke off: upstream trouble — unless the call was ended on purpose. */
  private noAnswer(key: PoolKey, why: NoAnswer, latency: number | null): Step {
    const interrupted = this.interrupted();
    if (interrupted) return interrupted;
    this.deps.metrics.attempt('upstream-error', latency);
    const row = OUTCOMES['upstream-error'];
    recordVerdict(this.deps, row.key, key, why.message, undefined);
    return this.goOn(row, key, why.errorClass);
  }

  /**
   * Does what the outcome's row says: the key's verdict, then the request's way on. `decoded` is the
   * error body that was read to classify the answer; null when the body was left to stream.
   */
  private act(outcome: Outcome, key: PoolKey, head: UpstreamHead, decoded: Buffer | null, reason: string): Step {
    const row: OutcomeRow = OUTCOMES[outcome];
    // An exhausted key refusing a "free" model: the model is not free; use funded keys from here on.
    if (row.key === 'exhausted' && key.status === 'exhausted') this.free = false;
    recordVerdict(this.deps, row.key, key, reason, head, this.needsPaid, this.facts?.model ?? null);
    // A job's own key answers about it alone: its failure goes to the client as it came (job-affinity.ts).
    if (this.job?.pinned && decoded && row.budget !== null) {
      this.passThrough(head, decoded, key);
      return ANSWERED;
    }
    switch (row.request) {
      case 'answer':
        if (decoded) this.passThrough(head, decoded, key);
        else if (this.listsModels()) void this.answerModelList(head, key);
        else if (this.job?.records) void this.answerJob(head, key, this.job.records);
        else this.stream(head, key);
        return ANSWERED;
      case 'pool-backoff':
        this.deps.backoff.trip(this.deps.limits.poolBackoffMs, 'ip-blocked');
        this.deps.logger.warn({ keyId: key.id }, 'SiliconFlow answered 50603 (IP busy): the pool backs off');
        return poolBackingOff(this.deps.backoff.remaining());
      case 'next-key':
      case 'next-paid-key':
      case 'next-key-or-pool-backoff':
        return this.goOn(row, key, 'upstream-5xx');
    }
  }

  /** Another key, as the row says, on the row's budget; `trouble` is what a retry records. */
  private goOn(row: GoesOnRow, key: PoolKey, trouble: Trouble): Step {
    switch (row.request) {
      case 'next-paid-key':
        this.needsPaid = true;
        break;
      case 'next-key-or-pool-backoff':
        if (this.tripsPoolBackoff(key)) return poolBackingOff(this.deps.backoff.remaining());
        break;
      case 'next-key':
        break;
    }
    return row.budget === 'key-tries' ? NEXT_KEY : { kind: 'retry', trouble };
  }

  /** Counts the 429 of the key's account for this model towards the pool-wide back-off; true when it tripped it. */
  private tripsPoolBackoff(key: PoolKey): boolean {
    const { pool, limits, backoff } = this.deps;
    const model = this.facts?.model || NO_MODEL;
    return backoff.rateLimited(accountOf(key), model, pool.servingAccounts(), limits.cooldownMs);
  }

  /** The call was ended on purpose: by the client going away, or by stop(). No key is blamed. */
  private interrupted(): Ending | null {
    if (this.aborted) return CLIENT_GONE;
    return this.stopping ? SHUTTING_DOWN : null;
  }

  private backingOff(): Ending | null {
    const remainingMs = this.deps.backoff.remaining();
    return remainingMs > 0 ? poolBackingOff(remainingMs) : null;
  }

  /**
   * No key is left to try. After upstream trouble, that trouble is the answer; otherwise 429 when the
   * keys that could serve belong to accounts cooling (or held back) for this model, 503 when none can.
   */
  private noKeyLeft(): Ending {
    if (this.lastTrouble) return upstreamUnavailable(this.lastTrouble);
    // The keys left belong to accounts blocked for this model: retry when the first comes back.
    if (this.blocked.until > 0) return allKeysCooling(this.blocked.until - Date.now());
    return noUsableKey(this.needsPaid);
  }

  // --- Streams (issue 13): the ok-SSE path ---

  /**
   * A 200 SSE answer is held until its first event (FIRST_EVENT_HOLD_MS, first-event.ts): an error
   * event, or a close before any event, is the matching non-stream answer and fails over, unseen by
   * the client. The caller's own mistake (a passed-through row) goes to the client as it came. The
   * key's verdict waits for the stream's end: an error event after content fails the attempt too.
   */
  private async eventStream(key: PoolKey, head: UpstreamHead, latency: number): Promise<Step> {
    const holdMs = this.deps.limits.firstEventHoldMs;
    const first = holdMs > 0 ? await firstEvent(head.call, holdMs) : null;
    if (first?.kind === 'ended') return this.noAnswer(key, first.why, latency);
    if (first?.kind === 'event' && first.error) {
      const outcome = classifyAnswer(first.error.answer);
      if (OUTCOMES[outcome].request !== 'answer') {
        head.call.abort();
        this.deps.metrics.attempt(outcome, latency);
        return this.act(outcome, key, head, null, first.error.reason);
      }
    }
    this.stream(head, key, { latency, paidOnly: this.needsPaid });
    return ANSWERED;
  }

  /** `held`: an SSE answer's verdict waits for its end (stream-end.ts); null when it was recorded already. */
  private stream(answer: UpstreamHead, key: PoolKey, held: HeldVerdict | null = null): void {
    this.log.firstByteMs = Date.now() - this.started;
    const headers = clientResponseHeaders(answer.headers, key.secret, this.cors);
    streamToClient(answer, headers, this.res, this.log.path, this.deps.heartbeats, (result) => {
      chargeAnswer(this.deps, key, this.log, result.tap, this.facts!, this.needsPaid, this.client!.label);
      const end = streamEnded(this.deps, key, answer, result, held, this.log.path, this.facts?.model ?? null);
      this.finish(end.status, end.errorClass);
    });
  }

  /**
   * GET /v1/models, read whole when the proxy has to change it: for a key limited to some models (the
   * list as it may use it) and for the aliases (listed with their models). Otherwise it streams as it came.
   */
  private listsModels(): boolean {
    if (!isModelList(this.log.method, this.log.path)) return false;
    return this.deps.clients.modelFilter(this.client!) !== null || this.deps.settings().modelAliases.length > 0;
  }

  private async answerModelList(answer: UpstreamHead, key: PoolKey): Promise<void> {
    const keep = this.deps.clients.modelFilter(this.client!) ?? (() => true);
    const aliases = aliasMap(this.deps.settings().modelAliases);
    const reply = await modelListReply(answer, key.secret, this.cors, keep, aliases);
    if (isUnread(reply)) return this.end(this.interrupted() ?? upstreamUnavailable(reply.errorClass));
    this.sendWhole(answer.status, reply, null);
  }

  private passThrough(answer: UpstreamHead, decoded: Buffer, key: PoolKey): void {
    const reply = passedThroughError(answer, decoded, key.secret, this.cors, this.log);
    this.sendWhole(answer.status, reply, `upstream-${answer.status}`);
  }

  /** An answer read whole goes out in one write, and the exchange is over. */
  private sendWhole(status: number, reply: WholeReply, errorClass: string | null): void {
    this.log.firstByteMs = Date.now() - this.started;
    this.res.writeHead(status, reply.headers);
    this.res.end(reply.bytes);
    this.finish(status, errorClass);
  }

  /** Ends the exchange: SiliconFlow's answer is under way (it finishes when sent), or the proxy answers itself. */
  end(last: Last): void {
    if (last.kind === 'answered') return;
    if (last.error) this.error(last.status, last.error.code, last.error.message, last.error.headers, last.error.details);
    this.finish(last.status, last.errorClass);
  }

  /** An answer the proxy gives itself before any key is used (bad method, access key or path, body too large). */
  reject(status: number, code: number, message: string, errorClass: string, headers: Record<string, string> = {}): void {
    this.end({ kind: 'ended', status, errorClass, error: { code, message, headers } });
  }

  /** Every answer of the proxy's own carries the CORS headers, so a browser client can read it. */
  private error(
    status: number,
    code: number,
    message: string,
    headers: Readonly<Record<string, string>> = {},
    details?: Readonly<Record<string, unknown>>,
  ): void {
    sendProxyError(this.res, status, code, message, { ...this.cors, ...headers }, details);
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

  /** Something unexpected: answer 500 if nothing was sent yet, log it whole. */
  crash(err: unknown): void {
    this.deps.logger.error({ err, path: this.log.path }, 'proxy failure');
    if (!this.res.headersSent) this.error(500, PROXY_CODES.internalError, MESSAGES.internalError);
    else this.res.destroy();
    this.finish(500, 'internal-error');
  }

  // --- Jobs that belong to one key (job-affinity.ts) ---

  /** A call about a job goes to the job's key alone: one attempt; no answer is the proxy's usual error. */
  private async runPinned(key: PoolKey, body: Buffer): Promise<void> {
    const blocked = this.interrupted() ?? this.backingOff();
    if (blocked) return this.end(blocked);
    this.tried.add(key.id);
    this.log.keyId = key.id;
    this.log.attempts++;
    const step = await this.attempt(key, body);
    if (step.kind === 'answered' || step.kind === 'ended') return this.end(step);
    this.end(step.kind === 'retry' ? upstreamUnavailable(step.trouble) : this.noKeyLeft());
  }

  /** A job's answer: the jobs it names are recorded with its key, and it is charged and sent as it came. */
  private async answerJob(answer: UpstreamHead, key: PoolKey, kind: JobKind): Promise<void> {
    const reply = await jobReply(answer, key.secret, this.cors);
    if (isUnread(reply)) return this.end(this.interrupted() ?? upstreamUnavailable(reply.errorClass));
    if (reply.decoded && answer.status < 300) this.deps.jobs.answered(kind, reply.decoded, key, this.client!.id);
    const tap = new UsageTap(String(reply.headers['content-type'] ?? ''));
    if (reply.decoded) tap.push(reply.decoded);
    chargeAnswer(this.deps, key, this.log, tap, this.facts!, this.needsPaid, this.client!.label);
    this.sendWhole(answer.status, reply, null);
  }

  /** Writes the log row and the metrics, once. */
  private finish(status: number, errorClass: string | null): void {
    if (this.finished) return;
    this.finished = true;
    this.open?.delete(this);
    this.log.status = status;
    this.log.errorClass = errorClass;
    this.log.totalMs = Date.now() - this.started;
    this.deps.logs.write(this.log);
    if (this.client) this.deps.clients.finished(this.client, this.admitted, this.log.costNano, this.log.totalTokens, Date.now());
    this.deps.metrics.requestFinished(status, this.client?.label ?? 'none');
  }
}
