/**
 * The demo's alert inbox (issue 14): a tiny local receiver the demo starts on a port of its own, so a
 * newcomer can add a webhook channel in /admin → Alerts and watch the alerts arrive without any chat
 * app. `POST /hook` (or any path under it) records what arrived and prints one line per message to
 * the console; `GET /` lists what arrived, newest first (HTML, or JSON for `Accept: application/json`).
 * Every message is answered 200 with a body that each bot format reads as success (WeCom's and
 * DingTalk's `errcode: 0`, Feishu's `code: 0`), so a channel of any type may point here.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const HOOK_PATH = '/hook';
/** The inbox keeps the newest messages only: the demo may run for days. */
const KEPT = 200;
const MAX_BODY_BYTES = 256 * 1024;
const SUCCESS = JSON.stringify({ ok: true, errcode: 0, errmsg: 'ok', code: 0, msg: 'success' });

export type InboxMessage = {
  /** 1, 2, … in the order they arrived. */
  n: number;
  at: string;
  path: string;
  contentType: string;
  /** The body as JSON when it is, else as text. */
  body: unknown;
  /** One line: "firing runway-low: 赠送余额约 3 小时后用完 / gift credit runs out in about 3 hours". */
  summary: string;
};

export type DemoInbox = {
  /** The base URL, e.g. http://127.0.0.1:41234; the webhook to paste is `${url}/hook`. */
  url: string;
  hookUrl: string;
  /** Newest first. */
  messages(): InboxMessage[];
  close(): Promise<void>;
};

export async function startDemoInbox(options: { port?: number; host?: string; print?: (line: string) => void } = {}): Promise<DemoInbox> {
  const print = options.print ?? ((line) => console.log(line));
  const messages: InboxMessage[] = [];
  let count = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://inbox').pathname;
    if (req.method === 'POST' && (path === HOOK_PATH || path.startsWith(`${HOOK_PATH}/`))) {
      void receive(req, res, path, (message) => {
        messages.unshift({ n: ++count, ...message });
        messages.length = Math.min(messages.length, KEPT);
        print(`[demo inbox] ${message.summary}`);
      });
    } else if (req.method === 'GET' && path === '/') listMessages(req, res, messages);
    else answer(res, 404, 'text/plain; charset=utf-8', 'not found: POST /hook, or GET / for what arrived');
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hookUrl: url + HOOK_PATH,
    messages: () => [...messages],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads the body (cut off past MAX_BODY_BYTES: a demo's inbox is not a sink for anything else). */
async function receive(req: IncomingMessage, res: ServerResponse, path: string, record: (m: Omit<InboxMessage, 'n'>) => void) {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return answer(res, 413, 'text/plain; charset=utf-8', 'too large');
      chunks.push(chunk);
    }
  } catch {
    return; // the sender went away
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const body = parsed(text);
  record({ at: new Date().toISOString(), path, contentType: req.headers['content-type'] ?? '', body, summary: summaryOf(body, req) });
  answer(res, 200, 'application/json; charset=utf-8', SUCCESS);
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * "firing runway-low: <title>" for the generic webhook's body (state, event and title are fields of
 * it); for a bot's format, whatever title or text it carries, cut to one line.
 */
export function summaryOf(body: unknown, req: Pick<IncomingMessage, 'headers'>): string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const title = b.title as { zh?: unknown; en?: unknown } | string | undefined;
  if (typeof b.event === 'string' && typeof b.state === 'string' && typeof title === 'object') {
    const words = [title.zh, title.en].filter((w) => typeof w === 'string');
    // A test stands for no event: the message names one only because every message does.
    return oneLine(`${b.state === 'test' ? 'test' : `${b.state} ${b.event}`}: ${words.join(' / ')}`);
  }
  const header = req.headers.title;
  const text =
    typeof header === 'string' ? header : typeof title === 'string' ? title : typeof body === 'string' ? body : JSON.stringify(body);
  return oneLine(text);
}

const oneLine = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
};

function listMessages(req: IncomingMessage, res: ServerResponse, messages: InboxMessage[]) {
  if ((req.headers.accept ?? '').includes('application/json')) {
    return answer(res, 200, 'application/json; charset=utf-8', JSON.stringify({ messages }));
  }
  const items = messages.map(
    (m) =>
      `<li><strong>#${m.n}</strong> <time>${escape(m.at)}</time> <code>${escape(m.path)}</code><br>${escape(m.summary)}` +
      `<pre>${escape(typeof m.body === 'string' ? m.body : JSON.stringify(m.body, null, 2))}</pre></li>`,
  );
  const html = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>demo inbox</title>
<h1>Demo alert inbox · 演示告警收件箱</h1>
<p>POST ${HOOK_PATH} · ${messages.length} message(s), newest first · 最新的在前（刷新页面查看新消息）</p>
<ol reversed>${items.join('\n') || '<p>Nothing yet · 还没有消息</p>'}</ol></html>`;
  answer(res, 200, 'text/html; charset=utf-8', html);
}

function answer(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
