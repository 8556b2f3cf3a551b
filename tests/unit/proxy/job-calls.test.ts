import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/database.js';
import { JobKeyStore } from '../../../src/keys/job-key-store.js';
import { answeredJobs, jobCallOf, jobIdInBody } from '../../../src/siliconflow/jobs.js';

describe('jobCallOf: which calls make or name a job', () => {
  it.each([
    ['POST', '/v1/files', { creates: 'file', about: null, answer: 'file' }],
    ['POST', '/v1/files/', { creates: 'file', about: null, answer: 'file' }],
    ['POST', '/v1/batches', { creates: 'batch', about: { in: 'body', field: 'input_file_id' }, answer: 'batch' }],
    ['POST', '/v1/video/submit', { creates: 'video', about: null, answer: 'video' }],
    ['POST', '/v1/video/status', { creates: null, about: { in: 'body', field: 'requestId' }, answer: null }],
    ['GET', '/v1/files/file-abc', { creates: null, about: { in: 'path', id: 'file-abc' }, answer: null }],
    ['GET', '/v1/files/file-abc/content', { creates: null, about: { in: 'path', id: 'file-abc' }, answer: null }],
    ['DELETE', '/v1/files/file-abc', { creates: null, about: { in: 'path', id: 'file-abc' }, answer: null }],
    ['GET', '/v1/batches/batch_x', { creates: null, about: { in: 'path', id: 'batch_x' }, answer: 'batch' }],
    ['POST', '/v1/batches/batch_x/cancel', { creates: null, about: { in: 'path', id: 'batch_x' }, answer: 'batch' }],
  ])('%s %s', (method, path, call) => {
    expect(jobCallOf(method, path)).toEqual(call);
  });

  it.each([
    ['GET', '/v1/files'],
    ['GET', '/v1/batches'],
    ['DELETE', '/v1/files/file-abc/content'],
    ['POST', '/v1/batches/batch_x'],
    ['GET', '/v1/batches/batch_x/cancel'],
    ['GET', '/v1/files/a%2Fb'],
    ['POST', '/v1/chat/completions'],
  ])('%s %s is no job call: the pool serves it as usual', (method, path) => {
    expect(jobCallOf(method, path)).toBeNull();
  });
});

describe('job ids in bodies and answers', () => {
  it('reads a string field of a JSON body; anything else names no job', () => {
    expect(jobIdInBody(Buffer.from('{"requestId":"r-1"}'), 'requestId')).toBe('r-1');
    expect(jobIdInBody(Buffer.from('{"requestId":7}'), 'requestId')).toBeNull();
    expect(jobIdInBody(Buffer.from('not json'), 'requestId')).toBeNull();
    expect(jobIdInBody(Buffer.alloc(0), 'requestId')).toBeNull();
  });

  it("finds the jobs an answer names: SiliconFlow's wrapped file, OpenAI's shape, a video's requestId, a batch's result files", () => {
    const named = (kind: 'file' | 'batch' | 'video', text: string) => answeredJobs(kind, Buffer.from(text));
    expect(named('file', '{"code":20000,"status":true,"data":{"id":"file-a","object":"file"}}')).toEqual([{ id: 'file-a', kind: 'file' }]);
    expect(named('file', '{"id":"file-b","object":"file"}')).toEqual([{ id: 'file-b', kind: 'file' }]);
    expect(named('video', '{"requestId":"d"}')).toEqual([{ id: 'd', kind: 'video' }]);
    expect(named('video', '{"id":"e"}')).toEqual([]);
    expect(named('batch', '{"id":"batch_c","object":"batch","output_file_id":null}')).toEqual([{ id: 'batch_c', kind: 'batch' }]);
    expect(named('batch', '{"id":"batch_c","output_file_id":"file-o","error_file_id":"file-e"}')).toEqual([
      { id: 'batch_c', kind: 'batch' },
      { id: 'file-o', kind: 'file' },
      { id: 'file-e', kind: 'file' },
    ]);
    expect(named('file', '[]')).toEqual([]);
  });
});

describe('JobKeyStore', () => {
  it("records a job with its key's hash, tells a deleted key apart, and forgets old jobs", () => {
    const db = openDatabase(':memory:');
    db.prepare("INSERT INTO keys (id, key_cipher, key_hash, masked, created_at) VALUES (1, x'00', 'h1', 'm', 1)").run();
    const store = new JobKeyStore(db);
    expect(store.record('file-a', 'file', 1, 0, 1_000)).toBe(true);
    expect(store.record('file-b', 'file', 2, 0, 1_000)).toBe(false);
    expect(store.record('batch_c', 'batch', 1, 5, 3_000)).toBe(true);
    expect(store.find('file-a')).toEqual({ kind: 'file', keyId: 1, keyPresent: true, clientId: 0 });
    db.prepare("UPDATE keys SET key_hash = 'h2' WHERE id = 1").run();
    expect(store.find('file-a')).toMatchObject({ keyPresent: false });
    expect(store.deleteOlderThan(2_000)).toBe(1);
    expect(store.find('file-a')).toBeUndefined();
    expect(store.find('batch_c')).toMatchObject({ kind: 'batch', clientId: 5 });
  });
});
