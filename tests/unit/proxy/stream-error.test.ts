import { describe, expect, it } from 'vitest';
import { classifyAnswer } from '../../../src/proxy/outcome.js';
import { errorOfEvent, StreamErrorWatch } from '../../../src/proxy/stream-error.js';
import { UsageTap } from '../../../src/proxy/usage-tap.js';

const openai = (error: Record<string, unknown>) => JSON.stringify({ error });
const siliconflow = (code: number, message: string) => JSON.stringify({ code, message, data: null });
const anthropic = (type: string, message = 'x') => JSON.stringify({ type: 'error', error: { type, message } });

describe('error events inside a stream, read as the answer they stand for', () => {
  it.each([
    ['OpenAI style, code 50507', null, openai({ code: 50507, message: 'Request failed: Unknown error.' }), 500, 'upstream-error'],
    ['OpenAI style, code as a string', null, openai({ code: '30001', message: 'no money' }), 402, 'exhausted'],
    ['OpenAI style, no code at all', null, openai({ message: 'boom', type: 'server_error' }), 500, 'upstream-error'],
    ['OpenAI style, a status of its own', null, openai({ message: 'slow down', status: 429 }), 429, 'rate-limited'],
    ['a bare error string', null, JSON.stringify({ error: 'something broke' }), 500, 'upstream-error'],
    ['SiliconFlow body, 30001', null, siliconflow(30001, 'Sorry, your account balance is insufficient'), 402, 'exhausted'],
    ['SiliconFlow body, 30011', null, siliconflow(30011, 'paid balance required'), 403, 'needs-paid'],
    ['SiliconFlow body, 30014', null, siliconflow(30014, 'Token is invalid.'), 401, 'invalid'],
    ['SiliconFlow body, 50505', null, siliconflow(50505, 'Model service overloaded.'), 503, 'overloaded'],
    ['SiliconFlow body, 50603', null, siliconflow(50603, 'System is too busy now.'), 503, 'pool-backoff'],
    ['SiliconFlow body, 50602', null, siliconflow(50602, 'rate limited'), 429, 'rate-limited'],
    ['SiliconFlow body, 20015', null, siliconflow(20015, 'The parameter is invalid.'), 400, 'passed-through'],
    ['SiliconFlow body, an unknown code', null, siliconflow(99999, '?'), 500, 'upstream-error'],
    ['Anthropic overloaded_error', 'error', anthropic('overloaded_error'), 503, 'overloaded'],
    ['Anthropic api_error', 'error', anthropic('api_error'), 500, 'upstream-error'],
    ['Anthropic rate_limit_error', 'error', anthropic('rate_limit_error'), 429, 'rate-limited'],
    ['Anthropic invalid_request_error', 'error', anthropic('invalid_request_error'), 400, 'passed-through'],
    [
      'Anthropic api_error with a code added',
      'error',
      JSON.stringify({ type: 'error', error: { type: 'api_error', code: 30001 } }),
      402,
      'exhausted',
    ],
  ] as const)('%s → HTTP %i, %s', (_what, event, data, status, outcome) => {
    const found = errorOfEvent(event, data);
    expect(found?.answer.status).toBe(status);
    expect(classifyAnswer(found!.answer)).toBe(outcome);
  });

  it.each([
    ['a content chunk', JSON.stringify({ object: 'chat.completion.chunk', choices: [{ delta: { content: '"error" and "code"' } }] })],
    ['a chunk with error: null', JSON.stringify({ choices: [], error: null })],
    ['a chunk with a code field and choices', JSON.stringify({ code: 1, message: 'm', choices: [] })],
    ['[DONE]', '[DONE]'],
    ['not JSON', '{"error": '],
  ])('%s is no error', (_what, data) => {
    expect(errorOfEvent(null, data)).toBeNull();
  });

  it('names the code and the message for the key’s lastError', () => {
    expect(errorOfEvent(null, siliconflow(30001, 'Sorry'))!.reason).toBe('error event in the stream (code 30001): Sorry');
    expect(errorOfEvent('error', anthropic('overloaded_error', 'busy'))!.reason).toBe('error event in the stream (overloaded_error): busy');
  });

  it('the watch finds the first error line by line, Anthropic’s named event across two lines included', () => {
    const watch = new StreamErrorWatch();
    for (const line of [
      'data: {"choices":[]}',
      '',
      'event: error',
      `data: ${anthropic('api_error', 'first')}`,
      '',
      `data: ${siliconflow(30001, 'later')}`,
    ])
      watch.line(line);
    expect(watch.found?.reason).toContain('first');
  });

  it('the usage tap reports it at the end, also from a last line without its newline, and keeps metering', () => {
    const tap = new UsageTap('text/event-stream');
    tap.push(Buffer.from('data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\n'));
    expect(tap.streamError()).toBeNull();
    tap.push(Buffer.from(`data: ${openai({ code: 50507, message: 'x' })}`));
    expect(tap.streamError()?.answer.status).toBe(500);
    expect(tap.usage()).toEqual({ promptTokens: 3, completionTokens: 2, totalTokens: 5 });
    expect(new UsageTap('application/json').streamError()).toBeNull();
  });
});
