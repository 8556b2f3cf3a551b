import { describe, expect, it } from 'vitest';
import { extractKeys, isFullKey } from '../../src/keys/key-parse.js';

const k = (c: string) => 'sk-' + c.repeat(48);

describe('extractKeys', () => {
  it('finds keys one per line, comma- or space-separated, quoted, and inside prose', () => {
    const text = `${k('a')}\n${k('b')},${k('c')} ${k('d')}\n"${k('e')}", '${k('f')}'\nmy key is ${k('g')}. thanks!\n[${k('h')}]`;
    const parsed = extractKeys(text);
    expect(parsed.keys).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(k));
    expect(parsed).toMatchObject({ repeated: 0, invalid: 0, unusual: 0 });
  });

  it('counts repeats within the paste once each and keeps the first', () => {
    const parsed = extractKeys(`${k('a')}\n${k('a')}\n${k('b')} ${k('a')}`);
    expect(parsed.keys).toEqual([k('a'), k('b')]);
    expect(parsed.repeated).toBe(2);
  });

  it('counts sk- tokens too short to be a key as invalid', () => {
    const parsed = extractKeys(`sk-short sk-123 ${k('a')}`);
    expect(parsed.keys).toEqual([k('a')]);
    expect(parsed.invalid).toBe(2);
  });

  it('does not take sk- from inside another word', () => {
    expect(extractKeys(`task-${'x'.repeat(40)} disk-${'y'.repeat(30)}`).keys).toEqual([]);
  });

  it('accepts unusual shapes (mixed case, digits, other lengths) but reports them', () => {
    const odd = 'sk-AbC123' + 'x'.repeat(20);
    const parsed = extractKeys(`${odd}\n${k('a')}`);
    expect(parsed.keys).toEqual([odd, k('a')]);
    expect(parsed.unusual).toBe(1);
  });

  it('handles Windows line endings and tabs', () => {
    expect(extractKeys(`${k('a')}\r\n\t${k('b')}\r\n`).keys).toEqual([k('a'), k('b')]);
  });
});

describe('isFullKey', () => {
  it('is true for a whole key with surrounding spaces and false for a fragment', () => {
    expect(isFullKey(`  ${k('a')} `)).toBe(true);
    expect(isFullKey('sk-abcd')).toBe(false);
    expect(isFullKey('note text')).toBe(false);
  });
});
