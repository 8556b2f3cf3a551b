import { afterEach, describe, expect, it } from 'vitest';
import { ALIAS_OWNER } from '../../src/proxy/model-list.js';
import { chat, fakeKey, startProxy, type Proxy } from '../helpers/proxy-harness.js';
import { clientSettings, signIn } from '../helpers/test-app.js';

/**
 * Model aliases (issue 13, MODEL_ALIASES) over real sockets against the fake SiliconFlow: OpenAI's
 * names reach SiliconFlow as its models, with only the `model` value's bytes changed; everything else
 * (other bodies included) is forwarded exactly as received.
 */
let p: Proxy;
afterEach(() => p?.close());

const FREE = 'Qwen/Qwen2.5-7B-Instruct';
const V3 = 'deepseek-ai/DeepSeek-V3';

/** The seed's own example request, written by hand: key order, spacing and escapes a client chose. */
const SEED_BODY =
  '{\n  "model" : "gpt-3.5-turbo",\n  "messages": [{"role": "user", "content": "你好，请用中文回答，你是谁？"}],\n  "temperature":0.7, "note": "\\u4f60\\u597d \\"model\\": \\"gpt-4o\\""\n}';

const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  p.call(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

function lastLog() {
  p.ctx.flush();
  return p.ctx.requestLogs.list({ page: 1, pageSize: 1 }).items[0]!;
}

describe('model aliases', () => {
  it("answers the seed's gpt-3.5-turbo request: SiliconFlow gets the free Qwen model and every other byte as sent", async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const res = await post('/v1/chat/completions', SEED_BODY);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { model: string; choices: { message: { content: string } }[] };
    expect(answer.choices[0]!.message.content).not.toBe('');
    const received = p.fake.requests.at(-1)!.body;
    expect(received.equals(Buffer.from(SEED_BODY.replace('"gpt-3.5-turbo"', `"${FREE}"`)))).toBe(true);
    expect(lastLog()).toMatchObject({ model: FREE, requestedModel: 'gpt-3.5-turbo', status: 200 });
  });

  it('forwards a body without an alias byte-identical, and logs no requested model', async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const body = Buffer.from(`{"messages":[{"role":"user","content":"gpt-4o"}], "model":"${V3}" }`);
    expect((await post('/v1/chat/completions', body)).status).toBe(200);
    expect(p.fake.requests.at(-1)!.body.equals(body)).toBe(true);
    expect(lastLog()).toMatchObject({ model: V3, requestedModel: null });
  });

  it('passes an unknown model that is no alias through unchanged, for SiliconFlow to refuse', async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const body = JSON.stringify(chat('gpt-5-ultra'));
    const res = await post('/v1/chat/completions', body);
    expect(res.status).toBe(400);
    expect(p.fake.requests.at(-1)!.body.toString()).toBe(body);
    expect(lastLog()).toMatchObject({ model: 'gpt-5-ultra', requestedModel: null, status: 400 });
  });

  it('rewrites only the top-level model: a nested one, and a repeated key read last as JSON.parse does', async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const body = `{"model":"${V3}","messages":[{"role":"user","content":"hi","model":"gpt-4o"}],"mod\\u0065l":"gpt-4o"}`;
    expect((await post('/v1/chat/completions', body)).status).toBe(200);
    expect(p.fake.requests.at(-1)!.body.toString()).toBe(body.replace(/"gpt-4o"}$/, `"${V3}"}`));
    expect(lastLog()).toMatchObject({ model: V3, requestedModel: 'gpt-4o' });
  });

  it("resolves a multipart upload's model field (whisper-1), leaving the file's bytes alone", async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const form = new FormData();
    form.append('model', 'whisper-1');
    form.append('file', new Blob([Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 256))], { type: 'audio/wav' }), 'a.wav');
    const request = new Request(`${p.base}/v1/audio/transcriptions`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${p.accessKey}` },
    });
    const sent = Buffer.from(await request.clone().arrayBuffer()).toString('latin1');
    expect((await fetch(request)).status).toBe(200);
    expect(p.fake.requests.at(-1)!.body.toString('latin1')).toBe(
      sent.replace('\r\n\r\nwhisper-1\r\n', '\r\n\r\nFunAudioLLM/SenseVoiceSmall\r\n'),
    );
    expect(lastLog()).toMatchObject({ model: 'FunAudioLLM/SenseVoiceSmall', requestedModel: 'whisper-1' });
  });

  it("checks a client key's models against the SiliconFlow model, not the alias", async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const { key } = p.ctx.clients.create(clientSettings({ models: [FREE] }));
    const as = (model: string) => p.call('/v1/chat/completions', { json: chat(model), headers: { authorization: `Bearer ${key}` } });
    expect((await as('gpt-3.5-turbo')).status).toBe(200);
    const refused = await as('gpt-4o');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { reason: string } }).error.reason).toBe('client-model-refused');
    expect(lastLog()).toMatchObject({ model: V3, requestedModel: 'gpt-4o', errorClass: 'client-model-refused' });
  });

  it('GET /v1/models lists each alias whose model is listed, marked as an alias; a limited key sees its own', async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    type List = { data: { id: string; owned_by: string; alias_for?: string }[] };
    const all = (await (await p.call('/v1/models')).json()) as List;
    expect(all.data).toContainEqual(expect.objectContaining({ id: 'gpt-3.5-turbo', owned_by: ALIAS_OWNER, alias_for: FREE }));
    expect(all.data).toContainEqual(expect.objectContaining({ id: 'text-embedding-3-small', alias_for: 'BAAI/bge-m3' }));
    expect(all.data.find((m) => m.id === FREE)).toMatchObject({ owned_by: 'Qwen' });

    const { key } = p.ctx.clients.create(clientSettings({ models: [FREE] }));
    const limited = (await (await p.call('/v1/models', { headers: { authorization: `Bearer ${key}` } })).json()) as List;
    expect(limited.data.map((m) => m.id).sort()).toEqual([FREE, 'gpt-3.5-turbo', 'gpt-4.1-mini', 'gpt-4o-mini'].sort());
  });

  it('the admin changes the table at runtime and the next request follows; a bad line is refused by its number', async () => {
    p = await startProxy([[fakeKey(0), {}]]);
    const admin = await signIn(p.app);
    const put = (modelAliases: string[]) => admin.agent.put('/admin/api/settings').set('X-CSRF-Token', admin.csrf).send({ modelAliases });

    expect((await put(['gpt-3.5-turbo = deepseek-ai/DeepSeek-V3', '', 'my-model=Qwen/Qwen2.5-Coder-7B-Instruct'])).status).toBe(200);
    expect(p.ctx.settings.get().modelAliases).toEqual(['gpt-3.5-turbo=deepseek-ai/DeepSeek-V3', 'my-model=Qwen/Qwen2.5-Coder-7B-Instruct']);
    expect((await post('/v1/chat/completions', JSON.stringify(chat('gpt-3.5-turbo')))).status).toBe(200);
    expect(JSON.parse(p.fake.requests.at(-1)!.body.toString()).model).toBe(V3);
    expect((await post('/v1/chat/completions', JSON.stringify(chat('my-model')))).status).toBe(200);
    expect(JSON.parse(p.fake.requests.at(-1)!.body.toString()).model).toBe('Qwen/Qwen2.5-Coder-7B-Instruct');
    // gpt-4o is no alias any more: it goes as sent, and SiliconFlow refuses it.
    expect((await post('/v1/chat/completions', JSON.stringify(chat('gpt-4o')))).status).toBe(400);

    const bad = await put(['gpt-4o=a/b', 'gpt-4 deepseek-ai/DeepSeek-V3']);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'invalid-setting',
      message: expect.stringMatching(/^modelAliases: line 2 "gpt-4 deepseek-ai\/DeepSeek-V3"/),
    });
    expect(p.ctx.settings.get().modelAliases).toEqual(['gpt-3.5-turbo=deepseek-ai/DeepSeek-V3', 'my-model=Qwen/Qwen2.5-Coder-7B-Instruct']);

    // An empty table: no aliases, and the model list streams as SiliconFlow sent it.
    expect((await put([])).status).toBe(200);
    const list = (await (await p.call('/v1/models')).json()) as { data: { id: string }[] };
    expect(list.data.map((m) => m.id)).not.toContain('gpt-3.5-turbo');
  });
});
