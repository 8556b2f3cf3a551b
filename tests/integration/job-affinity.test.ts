import { afterEach, describe, expect, it } from 'vitest';
import { fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';
import { clientSettings } from '../helpers/test-app.js';

/**
 * Jobs that belong to one key (issue 13): files, batches and video jobs can only be reached with a
 * key of the account that made them, so every call about one goes to the key that made it — never
 * failing over to a key of another account, which would answer "not found". Real sockets, the fake
 * SiliconFlow with three keys of three accounts under round-robin (without affinity, two calls in
 * three would land on the wrong account).
 */
let p: Proxy;
afterEach(() => p?.close());

const KEYS = [fakeKey(0), fakeKey(1), fakeKey(2)];
const start = (env: Record<string, string> = {}) =>
  startProxy(
    KEYS.map((k, i) => [k, { account: `acct-${i}` }]),
    { env: { KEY_STRATEGY: 'round-robin', ...env } },
  );

const BOUNDARY = 'job-affinity-boundary';
/** A multipart upload written by hand, so the bytes SiliconFlow receives can be compared. */
const uploadBody = (content: string) =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="requests.jsonl"\r\n` +
      `Content-Type: application/jsonl\r\n\r\n${content}\r\n--${BOUNDARY}--\r\n`,
  );

async function upload(content = '{"custom_id":"1","body":{"model":"deepseek-ai/DeepSeek-V3"}}\n'): Promise<string> {
  const res = await p.call('/v1/files', {
    method: 'POST',
    body: uploadBody(content),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { id: string } }).data.id;
}

/** The pool keys SiliconFlow saw for calls to paths starting so. */
const keysSeen = (prefix: string) => p.fake.requests.filter((r) => r.path.startsWith(prefix)).map((r) => r.key);
const keyOf = (path: string) => p.fake.requests.find((r) => r.path === path)!.key;
const postJson = (path: string, body: string, base?: string) =>
  fetch(`${base ?? p.base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${p.accessKey}`, 'content-type': 'application/json' },
    body,
  });

describe('files', () => {
  it('a file uploaded through one key is read with that key every time, whatever the strategy would pick', async () => {
    p = await start();
    const id = await upload();
    const creator = keyOf('/v1/files');
    for (let i = 0; i < 5; i++) expect((await p.call(`/v1/files/${id}`)).status).toBe(200);
    const content = await p.call(`/v1/files/${id}/content`);
    expect(await content.text()).toBe('{"custom_id":"1","body":{"model":"deepseek-ai/DeepSeek-V3"}}\n');
    expect(keysSeen(`/v1/files/${id}`)).toEqual(Array(6).fill(creator));
    expect((await p.call(`/v1/files/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect(keysSeen(`/v1/files/${id}`)).toHaveLength(7);
    expect(new Set(keysSeen(`/v1/files/${id}`))).toEqual(new Set([creator]));
  });

  it('the upload reaches SiliconFlow byte for byte, and its answer reaches the client as SiliconFlow sent it', async () => {
    p = await start();
    const body = uploadBody('{"a": 1}\n');
    const res = await p.call('/v1/files', {
      method: 'POST',
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    });
    const text = await res.text();
    expect(p.fake.requests.at(-1)!.body.equals(body)).toBe(true);
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(res.headers.get('x-siliconcloud-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(text)).toMatchObject({ code: 20000, status: true, data: { object: 'file', bytes: 9, purpose: 'batch' } });
    const { id } = (JSON.parse(text) as { data: { id: string } }).data;
    expect(p.ctx.db.prepare('SELECT kind, key_id, client_id FROM job_keys WHERE job_id = ?').get(id)).toEqual({
      kind: 'file',
      key_id: p.ids[KEYS.indexOf(keyOf('/v1/files')!)],
      client_id: 0,
    });
  });

  it('an id the proxy never recorded goes to the pool as before: SiliconFlow answers it', async () => {
    p = await start();
    const res = await p.call('/v1/files/file-neverknown');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: number }).code).toBe(20015);
    expect(keysSeen('/v1/files/file-neverknown')).toHaveLength(1);
  });
});

describe('batches', () => {
  it('are created with their input file key, then read and cancelled with it; the create body is forwarded unchanged', async () => {
    p = await start();
    const fileId = await upload();
    const creator = keyOf('/v1/files');
    const body = `{ "input_file_id" : "${fileId}",\n "endpoint": "/v1/chat/completions", "completion_window":"24h", "metadata": {"n": "\\u4f60"} }`;
    const created = await postJson('/v1/batches', body);
    expect(created.status).toBe(200);
    expect(p.fake.requests.at(-1)!.body.equals(Buffer.from(body))).toBe(true);
    const batch = (await created.json()) as { id: string; status: string };
    expect(batch.status).toBe('in_queue');
    for (let i = 0; i < 3; i++) expect((await p.call(`/v1/batches/${batch.id}`)).status).toBe(200);
    const cancelled = await p.call(`/v1/batches/${batch.id}/cancel`, { method: 'POST' });
    expect(((await cancelled.json()) as { status: string }).status).toBe('cancelling');
    expect(keysSeen('/v1/batches')).toEqual(Array(5).fill(creator));
  });
});

describe('batch results', () => {
  it("a batch's output file, named in its answer, is read with the batch's key", async () => {
    p = await start();
    const fileId = await upload('{"custom_id":"1"}\n{"custom_id":"2"}\n');
    const creator = keyOf('/v1/files');
    const json = { input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { fake: 'complete' } };
    const { id } = (await (await p.call('/v1/batches', { json })).json()) as { id: string };
    const done = (await (await p.call(`/v1/batches/${id}`)).json()) as { status: string; output_file_id: string };
    expect(done.status).toBe('completed');
    for (let i = 0; i < 3; i++) {
      const res = await p.call(`/v1/files/${done.output_file_id}/content`);
      expect(res.status).toBe(200);
      expect((await res.text()).split('\n').filter(Boolean)).toHaveLength(2);
    }
    expect(keysSeen(`/v1/files/${done.output_file_id}`)).toEqual(Array(3).fill(creator));
  });
});

describe('video jobs', () => {
  it('a requestId from video/submit is asked about with the key that submitted it', async () => {
    p = await start();
    const submitted = await p.call('/v1/video/submit', { json: { model: 'Wan-AI/Wan2.2-T2V-A14B', prompt: 'a cat' } });
    expect(submitted.status).toBe(200);
    const { requestId } = (await submitted.json()) as { requestId: string };
    const creator = keyOf('/v1/video/submit');
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await postJson('/v1/video/status', JSON.stringify({ requestId }));
      statuses.push(((await res.json()) as { status: string }).status);
    }
    expect(statuses).toEqual(['InQueue', 'InProgress', 'Succeed']);
    expect(keysSeen('/v1/video/')).toEqual(Array(4).fill(creator));
  });
});

describe("a job's key", () => {
  it('deleted: 410 with code 41001, SiliconFlow not asked', async () => {
    p = await start();
    const id = await upload();
    p.ctx.keys.delete(p.ids[KEYS.indexOf(keyOf('/v1/files')!)]!);
    const before = p.fake.requests.length;
    const res = await p.call(`/v1/files/${id}`);
    expect(res.status).toBe(410);
    expect(((await res.json()) as { code: number }).code).toBe(41001);
    expect(p.fake.requests.length).toBe(before);
    p.ctx.flush();
    expect(p.ctx.requestLogs.list({ page: 1, pageSize: 1 }).items[0]).toMatchObject({
      status: 410,
      errorClass: 'job-key-deleted',
      keyId: null,
    });
  });

  it('deleted, its id taken by a new key: still 410, the new key is not the job key', async () => {
    p = await startProxy([[KEYS[0]!, {}]]);
    const id = await upload();
    p.ctx.keys.delete(p.ids[0]!);
    p.fake.setKey(KEYS[1]!, {});
    expect(p.ctx.keys.import(KEYS[1]!).addedIds).toEqual(p.ids);
    const res = await p.call(`/v1/files/${id}`);
    expect(res.status).toBe(410);
    expect(((await res.json()) as { code: number }).code).toBe(41001);
  });

  it('disabled: still serves its jobs, but starts no new batch (410, 41002)', async () => {
    p = await start();
    const id = await upload();
    const creator = keyOf('/v1/files');
    p.ctx.keys.bulk('disable', [p.ids[KEYS.indexOf(creator!)]!]);
    expect((await p.call(`/v1/files/${id}`)).status).toBe(200);
    expect(keysSeen(`/v1/files/${id}`)).toEqual([creator]);
    const res = await postJson(
      '/v1/batches',
      JSON.stringify({ input_file_id: id, endpoint: '/v1/chat/completions', completion_window: '24h' }),
    );
    expect(res.status).toBe(410);
    expect(((await res.json()) as { code: number }).code).toBe(41002);
  });

  it('failing: its own answer goes to the client as it came, no other key is tried', async () => {
    p = await start();
    const id = await upload();
    const creator = keyOf('/v1/files')!;
    p.fake.setKey(creator, { behavior: 'server-error' });
    const res = await p.call(`/v1/files/${id}`);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { code: number }).code).toBe(50507);
    p.fake.setKey(creator, { behavior: 'reset' });
    const broken = await p.call(`/v1/files/${id}`);
    expect(broken.status).toBe(502);
    expect(((await broken.json()) as { code: number }).code).toBe(50300);
    expect(keysSeen(`/v1/files/${id}`)).toEqual([creator, creator]);
  });
});

describe('client keys', () => {
  it('another client key of this proxy gets 404 (40401) for a job it did not make; SiliconFlow is not asked', async () => {
    p = await start();
    const id = await upload();
    const { key } = p.ctx.clients.create(clientSettings());
    const before = p.fake.requests.length;
    const res = await fetch(`${p.base}/v1/files/${id}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: number }).code).toBe(40401);
    expect(p.fake.requests.length).toBe(before);
  });
});

describe('restarts', () => {
  it("a job's key is remembered across a restart", async () => {
    p = await start();
    const id = await upload();
    const creator = keyOf('/v1/files');
    p.ctx.flush();
    const again = p.restart();
    const base = await again.listen();
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${base}/v1/files/${id}`, { headers: { authorization: `Bearer ${p.accessKey}` } });
      expect(res.status).toBe(200);
    }
    expect(keysSeen(`/v1/files/${id}`)).toEqual(Array(4).fill(creator));
  });
});

describe('the ledger', () => {
  const VIDEO = 'Wan-AI/Wan2.2-T2V-A14B';
  const submit = () => p.call('/v1/video/submit', { json: { model: VIDEO, prompt: 'a cat' } });
  const spentByPool = (id: number) => {
    p.ctx.flush();
    return p.ctx.db.prepare('SELECT spent_gift_nano + spent_paid_nano + spent_unsplit_nano FROM keys WHERE id = ?').pluck().get(id);
  };

  it('a video model priced on both sides costs the same once per submit; its status calls cost nothing', async () => {
    p = await start();
    p.fake.setPrice(VIDEO, { unit: 'video', price: '2' });
    p.ctx.prices.set(VIDEO, { unit: 'video', price: '2' });
    const { requestId } = (await (await submit()).json()) as { requestId: string };
    const creator = keyOf('/v1/video/submit')!;
    expect((await postJson('/v1/video/status', JSON.stringify({ requestId }))).status).toBe(200);
    expect(p.fake.balances(creator)!.spent).toBe(2_000_000_000);
    expect(spentByPool(p.ids[KEYS.indexOf(creator)]!)).toBe(2_000_000_000);
  });

  it('unpriced (the shipped table has no video model): neither side bills it, the log says unpriced', async () => {
    p = await start();
    expect((await submit()).status).toBe(200);
    const creator = keyOf('/v1/video/submit')!;
    expect(p.fake.balances(creator)!.spent).toBe(0);
    p.ctx.flush();
    expect(p.ctx.requestLogs.list({ page: 1, pageSize: 1 }).items[0]).toMatchObject({
      path: '/v1/video/submit',
      status: 200,
      costNano: null,
    });
  });
});
