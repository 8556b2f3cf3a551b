import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSiliconFlow, type FakeSiliconFlow } from './support/fake-siliconflow/index.js';

/**
 * The fake's files, batches and video jobs: each belongs to the account of the key that made it,
 * and a key of another account is answered as for an unknown id (docs/siliconflow.md, "Jobs").
 */
const A1 = `sk-${'a'.repeat(47)}1`;
const A2 = `sk-${'a'.repeat(47)}2`;
const B = `sk-${'b'.repeat(48)}`;

let fake: FakeSiliconFlow;
beforeAll(async () => {
  fake = await startFakeSiliconFlow({ keys: { [A1]: { account: 'acct-a' }, [A2]: { account: 'acct-a' }, [B]: {} } });
});
afterAll(() => fake.close());

function call(key: string, path: string, init: { method?: string; json?: unknown; body?: FormData } = {}): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  return fetch(fake.url + path, {
    method: init.method ?? (init.json === undefined && !init.body ? 'GET' : 'POST'),
    headers,
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
    signal: AbortSignal.timeout(5_000),
  });
}

function upload(key: string, content = '{"custom_id":"1"}\n{"custom_id":"2"}\n'): Promise<Response> {
  const form = new FormData();
  form.append('purpose', 'batch');
  form.append('file', new Blob([content]), 'requests.jsonl');
  return call(key, '/v1/files', { body: form });
}

async function uploadedId(key: string): Promise<string> {
  const res = await upload(key);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { id: string } }).data.id;
}

describe('fake files', () => {
  it('an upload answers SiliconFlow wrapped file object; the account lists, reads and downloads it', async () => {
    const res = await upload(A1, 'line\n');
    const body = (await res.json()) as { code: number; status: boolean; data: Record<string, unknown> };
    expect(body).toMatchObject({
      code: 20000,
      status: true,
      data: { object: 'file', bytes: 5, filename: 'requests.jsonl', purpose: 'batch' },
    });
    const id = body.data.id as string;
    expect(id).toMatch(/^file-[a-z]{10}$/);
    const list = (await (await call(A2, '/v1/files')).json()) as { data: { data: { id: string }[] } };
    expect(list.data.data.map((f) => f.id)).toContain(id);
    expect((await call(A2, `/v1/files/${id}`)).status).toBe(200);
    expect(await (await call(A1, `/v1/files/${id}/content`)).text()).toBe('line\n');
  });

  it("another account's key gets 404 with the upstream's error body, and does not see it listed", async () => {
    const id = await uploadedId(A1);
    const res = await call(B, `/v1/files/${id}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 20015, message: 'The file does not exist.', data: null });
    const list = (await (await call(B, '/v1/files')).json()) as { data: { data: { id: string }[] } };
    expect(list.data.data.map((f) => f.id)).not.toContain(id);
    expect((await call(B, `/v1/files/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await call(A1, `/v1/files/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(A1, `/v1/files/${id}`)).status).toBe(404);
  });

  it('an upload without purpose "batch" is 400 20015', async () => {
    const form = new FormData();
    form.append('file', new Blob(['x']), 'x.jsonl');
    const res = await call(A1, '/v1/files', { body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: number }).code).toBe(20015);
  });
});

describe('fake batches', () => {
  it('are created from an own file, read and cancelled by the account; other accounts get 404', async () => {
    const fileId = await uploadedId(A1);
    const json = { input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h' };
    expect((await call(B, '/v1/batches', { json })).status).toBe(404);
    const created = (await (await call(A1, '/v1/batches', { json })).json()) as { id: string; object: string; status: string };
    expect(created).toMatchObject({ object: 'batch', status: 'in_queue', input_file_id: fileId });
    expect(created.id).toMatch(/^batch_[a-z]{10}$/);
    expect((await call(B, `/v1/batches/${created.id}`)).status).toBe(404);
    expect((await call(B, `/v1/batches/${created.id}/cancel`, { method: 'POST' })).status).toBe(404);
    const cancelled = (await (await call(A2, `/v1/batches/${created.id}/cancel`, { method: 'POST' })).json()) as { status: string };
    expect(cancelled.status).toBe('cancelling');
    const later = (await (await call(A1, `/v1/batches/${created.id}`)).json()) as { status: string };
    expect(later.status).toBe('cancelled');
  });
});

describe('fake batch results', () => {
  it('a batch with metadata {"fake": "complete"} is completed at its first GET, with an output file of its account', async () => {
    const fileId = await uploadedId(A1);
    const json = { input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { fake: 'complete' } };
    const { id } = (await (await call(A1, '/v1/batches', { json })).json()) as { id: string };
    const done = (await (await call(A1, `/v1/batches/${id}`)).json()) as { status: string; output_file_id: string };
    expect(done.status).toBe('completed');
    expect(await (await call(A2, `/v1/files/${done.output_file_id}/content`)).text()).toMatch(/^\{"custom_id":"1"/);
    expect((await call(B, `/v1/files/${done.output_file_id}/content`)).status).toBe(404);
  });
});

describe('fake video jobs', () => {
  it('a submit answers a requestId; status moves InQueue → InProgress → Succeed for its account only', async () => {
    const submit = await call(A1, '/v1/video/submit', { json: { model: 'Wan-AI/Wan2.2-T2V-A14B', prompt: 'a cat' } });
    expect(submit.status).toBe(200);
    const { requestId } = (await submit.json()) as { requestId: string };
    const other = await call(B, '/v1/video/status', { json: { requestId } });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { message: string }).message).toBe('The requestId does not exist.');
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(A2, '/v1/video/status', { json: { requestId } });
      statuses.push(((await res.json()) as { status: string }).status);
    }
    expect(statuses).toEqual(['InQueue', 'InProgress', 'Succeed']);
  });

  it('an unknown model is 400 20012; a priced video model is billed once per submit', async () => {
    expect((await call(A1, '/v1/video/submit', { json: { model: 'nope', prompt: 'x' } })).status).toBe(400);
    fake.setPrice('Wan-AI/Wan2.2-I2V-A14B', { unit: 'video', price: '2' });
    const before = fake.balances(B)!.spent;
    expect((await call(B, '/v1/video/submit', { json: { model: 'Wan-AI/Wan2.2-I2V-A14B', prompt: 'x' } })).status).toBe(200);
    expect(fake.balances(B)!.spent - before).toBe(2_000_000_000);
  });
});
