import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorTextsOf, messagesOf } from '../../src/pages/i18n.js';
import { projectRoot } from '../../src/paths.js';

/**
 * Every error code the server can answer, read from the source: `new HttpError(status, 'code'`,
 * `notFound('code'` and the body parser's table in the error handler. The pages show each one in
 * their language; a code added without its texts would reach the Chinese page in English.
 */
function codesInSource(): string[] {
  const dir = join(projectRoot, 'src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const patterns = [/new HttpError\(\s*\d{3},\s*'([a-z-]+)'/g, /notFound\(\s*'([a-z-]+)'/g, /\[\d{3}, '([a-z-]+)', '/g];
  const codes = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.add(match[1]!);
  }
  return [...codes].sort();
}

describe('error texts in both languages', () => {
  const codes = codesInSource();

  it('finds the codes in the source (the patterns still match how errors are thrown)', () => {
    expect(codes).toEqual(
      expect.arrayContaining([
        'not-signed-in',
        'password-change-required',
        'invalid-setting',
        'key-not-found',
        'invalid-json',
        'too-many-checks',
        'internal-error',
      ]),
    );
  });

  it.each(['zh', 'en'] as const)('%s has a text for every code the server answers', (lang) => {
    const texts = errorTextsOf(lang);
    expect(codes.filter((code) => !texts[`error.${code}`])).toEqual([]);
  });

  it('the Chinese texts are in Chinese', () => {
    const zh = messagesOf('zh');
    for (const code of codes) expect(zh[`error.${code}` as keyof typeof zh]).toMatch(/[\u4e00-\u9fff]/);
  });
});
