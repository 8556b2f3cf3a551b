import type { Dispatcher } from 'undici';
import { classifyNetworkError, type NoAnswer } from './no-answer.js';

/** Where a response body goes once the caller has decided what to do with it. */
export type BodySink = {
  /** false = slow down: the call pauses until resume(). */
  data(chunk: Buffer): boolean;
  end(): void;
  error(err: Error): void;
};

/** Looks at a body before a sink takes it (the chunks stay held for the sink): the first-event hold (first-event.ts). */
export type BodyWatcher = { data(chunk: Buffer): void; end(): void; error(err: Error): void };

/** Who ended a call early: the client went away, or the server reached its shutdown deadline. */
export type AbortReason = 'client' | 'shutdown';

export type UpstreamHead = { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; call: UpstreamCall };

/**
 * One request to SiliconFlow as an undici dispatch handler: no intermediate stream between the
 * socket and the client's response (the benchmark showed the Readable + pipe of request() costs).
 * `head` settles with the status and headers (or with why there was no answer); the body then goes to
 * the sink the caller attaches — chunks that came before are held until then. Backpressure: a sink that
 * returns false pauses the upstream socket until resume().
 */
export class UpstreamCall implements Dispatcher.DispatchHandler {
  readonly head: Promise<UpstreamHead | NoAnswer>;
  private settleHead!: (value: UpstreamHead | NoAnswer) => void;
  private headSettled = false;
  private controller: Dispatcher.DispatchController | undefined;
  private sink: BodySink | undefined;
  private watcher: BodyWatcher | undefined;
  private held: Buffer[] = [];
  private ended = false;
  private failure: Error | undefined;

  private aborted = false;
  /** Why abort() was called, if it was: a stream ended by shutdown gets other last words (stream-response.ts). */
  abortReason: AbortReason | undefined;

  constructor() {
    this.head = new Promise((resolve) => (this.settleHead = resolve));
  }

  /** Stops the upstream call in whatever phase it is. */
  abort(reason: AbortReason = 'client'): void {
    this.aborted = true;
    this.abortReason ??= reason;
    this.controller?.abort(abortError());
  }

  attach(sink: BodySink): void {
    this.sink = sink;
    this.watcher = undefined;
    const held = this.held;
    this.held = [];
    for (const chunk of held) if (!sink.data(chunk)) this.controller?.pause();
    if (this.failure) sink.error(this.failure);
    else if (this.ended) sink.end();
  }

  /** Shows the watcher what has come so far and what comes until a sink is attached; nothing is taken from the body. */
  watch(watcher: BodyWatcher): void {
    this.watcher = watcher;
    for (const chunk of this.held) watcher.data(chunk);
    if (this.failure) watcher.error(this.failure);
    else if (this.ended) watcher.end();
  }

  resume(): void {
    this.controller?.resume();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborted) controller.abort(abortError());
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (status < 200) return; // 1xx: the real answer follows
    this.headSettled = true;
    this.settleHead({ kind: 'response', status, headers, call: this });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.sink) {
      this.held.push(chunk);
      this.watcher?.data(chunk);
    } else if (!this.sink.data(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.ended = true;
    if (this.sink) this.sink.end();
    else this.watcher?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (!this.headSettled) {
      this.headSettled = true;
      this.settleHead(classifyNetworkError(err));
      return;
    }
    this.failure = err;
    if (this.sink) this.sink.error(err);
    else this.watcher?.error(err);
  }
}

function abortError(): Error {
  return Object.assign(new Error('the client went away'), { name: 'AbortError', code: 'UND_ERR_ABORTED' });
}

/** Collects a (small) error body in full, for classification; gives up past `maxBytes`. */
export function collectBody(call: UpstreamCall, maxBytes = 1024 * 1024): Promise<Buffer | NoAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    call.attach({
      data(chunk) {
        size += chunk.length;
        if (size <= maxBytes) chunks.push(chunk);
        return true;
      },
      end: () =>
        resolve(
          size <= maxBytes
            ? Buffer.concat(chunks, size)
            : { kind: 'no-answer', errorClass: 'network-error', message: 'error body too large' },
        ),
      error: (err) => resolve(classifyNetworkError(err)),
    });
  });
}
