import { classifyNetworkError, type NoAnswer } from './no-answer.js';
import { errorOfEvent, StreamErrorWatch, type StreamError } from './stream-error.js';
import type { UpstreamCall, UpstreamHead } from './upstream-call.js';

/** What came of holding a 200 SSE answer back until its first event. */
export type FirstEvent =
  /** The first event arrived: content (`error` null) or an error event. */
  | { readonly kind: 'event'; readonly error: StreamError | null }
  /** FIRST_EVENT_HOLD_MS passed first, or the first event is too large to be an error: the stream goes on as it is. */
  | { readonly kind: 'waited' }
  /** The stream closed or broke before any event: no answer after all. */
  | { readonly kind: 'ended'; readonly why: NoAnswer };

/**
 * Error events are small: a first event still unfinished after this much is content, and holding it
 * back longer would only cost memory.
 */
const MAX_HELD_BYTES = 64 * 1024;

const WAITED: FirstEvent = { kind: 'waited' };
const CONTENT: FirstEvent = { kind: 'event', error: null };
const EMPTY_STREAM: FirstEvent = {
  kind: 'ended',
  why: { kind: 'no-answer', errorClass: 'empty-stream', message: 'empty-stream: the stream closed before its first event' },
};

/**
 * Watches a 200 SSE answer until its first complete event, for at most `holdMs`. Nothing is taken
 * from the body: what arrived stays held in the call for the sink attached afterwards, byte for byte.
 * One timer per held answer, gone as soon as its first event is in (usually within milliseconds).
 */
export function firstEvent(call: UpstreamCall, holdMs: number): Promise<FirstEvent> {
  return new Promise((resolve) => {
    const reader = new FirstEventReader();
    let done = false;
    const finish = (result: FirstEvent) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => finish(WAITED), holdMs);
    call.watch({
      data: (chunk) => {
        if (done) return;
        const event = reader.push(chunk);
        if (event) finish(event);
        else if (reader.size > MAX_HELD_BYTES) finish(WAITED);
      },
      end: () => finish(reader.atEnd()),
      error: (err) => finish({ kind: 'ended', why: classifyNetworkError(err) }),
    });
  });
}

/**
 * Splits the bytes so far into SSE lines until a blank line ends an event that has a field (a block
 * of `:` comments is no event). The error watch reads the event's lines as they come.
 */
class FirstEventReader {
  size = 0;
  private readonly decoder = new TextDecoder();
  /** Everything so far (at most MAX_HELD_BYTES and a chunk), and what of it is not split into lines yet. */
  private all = '';
  private text = '';
  private fields = 0;
  private readonly errors = new StreamErrorWatch();

  push(chunk: Buffer): FirstEvent | null {
    this.size += chunk.length;
    const decoded = this.decoder.decode(chunk, { stream: true });
    this.all += decoded;
    this.text += decoded;
    let start = 0;
    for (let nl = this.text.indexOf('\n'); nl >= 0; nl = this.text.indexOf('\n', start)) {
      const line = this.text.slice(start, nl).replace(/\r$/, '');
      start = nl + 1;
      if (line === '') {
        if (this.fields > 0) return { kind: 'event', error: this.errors.found };
      } else if (!line.startsWith(':')) {
        this.fields++;
        this.errors.line(line);
      }
    }
    this.text = this.text.slice(start);
    return null;
  }

  /**
   * The stream ended before a blank line closed its first event. An error in what came still counts
   * (an event without its blank line, or SiliconFlow's JSON error body with no `data:` at all); other
   * content goes to the client as it came; nothing but comments is an empty stream.
   */
  atEnd(): FirstEvent {
    const rest = this.text.replace(/\r$/, '');
    if (rest && !rest.startsWith(':')) {
      this.fields++;
      this.errors.line(rest);
    }
    const error = this.errors.found ?? errorOfEvent(null, this.all.trim());
    if (error) return { kind: 'event', error };
    return this.fields > 0 ? CONTENT : EMPTY_STREAM;
  }
}

/**
 * SSE answers take the first-event hold and the heartbeat; every other body streams as it comes —
 * and so does an SSE body compressed despite `Accept-Encoding: identity`, whose events cannot be read.
 */
export function isEventStream(head: UpstreamHead): boolean {
  const type = first(head.headers['content-type']);
  const encoding = first(head.headers['content-encoding']);
  return type?.startsWith('text/event-stream') === true && (!encoding || encoding === 'identity');
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
