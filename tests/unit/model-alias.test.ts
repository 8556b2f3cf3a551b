import { describe, expect, it } from 'vitest';
import { aliasMap, jsonModelSpan, resolveAlias } from '../../src/proxy/model-alias.js';
import { requestFacts } from '../../src/proxy/request-body.js';

const table = aliasMap(['gpt-4o=deepseek-ai/DeepSeek-V3']);
const JSON_TYPE = 'application/json';

/** What goes upstream for a body as the proxy resolves it. */
function sent(text: string): string {
  const body = Buffer.from(text);
  const facts = requestFacts(body, JSON_TYPE);
  return (resolveAlias(table, body, JSON_TYPE, facts)?.body ?? body).toString();
}

describe('jsonModelSpan and resolveAlias', () => {
  it.each([
    ['{"model":"gpt-4o"}', '{"model":"deepseek-ai/DeepSeek-V3"}'],
    [
      '{ "a": "x\\\\", "model" :\t"gpt-4o" , "b":[1,{"model":"gpt-4o"}]}',
      '{ "a": "x\\\\", "model" :\t"deepseek-ai/DeepSeek-V3" , "b":[1,{"model":"gpt-4o"}]}',
    ],
    ['{"a":"\\"model\\":","model":"gpt-\\u0034o"}', '{"a":"\\"model\\":","model":"deepseek-ai/DeepSeek-V3"}'],
    ['{"model":"gpt-4o","x":{"model":1},"model":"gpt-4o"}', '{"model":"gpt-4o","x":{"model":1},"model":"deepseek-ai/DeepSeek-V3"}'],
  ])('%s goes upstream as %s', (body, expected) => {
    expect(sent(body)).toBe(expected);
  });

  it('leaves bodies without an alias as the same Buffer', () => {
    const body = Buffer.from('{"model":"Qwen/Qwen3-8B"}');
    expect(resolveAlias(table, body, JSON_TYPE, requestFacts(body, JSON_TYPE))).toBeNull();
  });

  it('finds no span for a model that is not a string, or an array body', () => {
    expect(jsonModelSpan(Buffer.from('{"model":5,"m":"gpt-4o"}'))).toBeNull();
    expect(jsonModelSpan(Buffer.from('["model","gpt-4o"]'))).toBeNull();
  });

  it('builds the Map once per table', () => {
    const lines = ['a=b'];
    expect(aliasMap(lines)).toBe(aliasMap(lines));
    expect(aliasMap(lines).get('a')).toBe('b');
  });
});
