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

describe('extractKeys: balances beside the keys', () => {
  const yuan = (n: number) => n * 1_000_000_000;
  const balances = (text: string) => Object.fromEntries([...extractKeys(text).balances].map(([key, b]) => [key.slice(3, 4), b]));

  it.each([
    ['a space', `${k('a')} 14.00`],
    ['four dashes', `${k('a')}----14`],
    ['a comma', `${k('a')},14`],
    ['a tab', `${k('a')}\t14`],
    ['a quoted key and ¥', `"${k('a')}": ¥14`],
    ['元 after the figure', `${k('a')} 14 元`],
    ['a Windows line end', `${k('a')}----14\r`],
  ])('reads a key and a figure on its line (%s) as gift credit with no paid credit', (_name, line) => {
    const parsed = extractKeys(`${line}\n${k('b')}`);
    expect(parsed.keys).toEqual([k('a'), k('b')]);
    expect(balances(`${line}\n${k('b')}`)).toEqual({ a: { gift: yuan(14), paid: 0 } });
  });

  it('reads negative and fractional figures exactly', () => {
    expect(balances(`${k('a')} -0.01\n${k('b')},0.000000001`)).toEqual({ a: { gift: -10_000_000, paid: 0 }, b: { gift: 1, paid: 0 } });
  });

  it('gives no balance to prose, two keys on a line, two figures, or a figure beyond a million yuan', () => {
    const text = [`my key is ${k('a')} 14`, `${k('b')} ${k('c')}`, `${k('d')},14,0`, `${k('e')} 2000000`, `${k('f')} 1e3`].join('\n');
    const parsed = extractKeys(text);
    expect(parsed.keys).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map(k));
    expect(parsed.balances.size).toBe(0);
  });

  it('keeps the first mention of a repeated key, balance and all', () => {
    const parsed = extractKeys(`${k('a')} 5\n${k('a')} 9\n${k('b')}\n${k('b')} 3`);
    expect(parsed.repeated).toBe(2);
    expect(balances(`${k('a')} 5\n${k('a')} 9\n${k('b')}\n${k('b')} 3`)).toEqual({ a: { gift: yuan(5), paid: 0 } });
  });

  it('a CSV with key,balance: the balance column is gift credit; an empty cell is no balance', () => {
    const text = `key,balance\n${k('a')},14\n"${k('b')}","2.5"\n${k('c')},\n`;
    expect(extractKeys(text).keys).toEqual([k('a'), k('b'), k('c')]);
    expect(balances(text)).toEqual({ a: { gift: yuan(14), paid: 0 }, b: { gift: yuan(2.5), paid: 0 } });
  });

  it('a CSV with key,gift,paid (any column order): each credit; an empty paid cell is unknown', () => {
    const text = `paid;gift;key\n1;2;${k('a')}\n;3;${k('b')}`;
    expect(balances(text)).toEqual({ a: { gift: yuan(2), paid: yuan(1) }, b: { gift: yuan(3), paid: null } });
  });

  it('Chinese headers: 赠送余额 / 充值余额, and 余额 as a total beside 充值余额 (gift = total − paid)', () => {
    expect(balances(`密钥,赠送余额,充值余额\n${k('a')},1,2`)).toEqual({ a: { gift: yuan(1), paid: yuan(2) } });
    expect(balances(`密钥\t余额\t充值余额\n${k('a')}\t100\t30`)).toEqual({ a: { gift: yuan(70), paid: yuan(30) } });
    expect(balances(`密钥,余额\n${k('a')},14`)).toEqual({ a: { gift: yuan(14), paid: 0 } });
  });

  it("reads back the admin's own CSV export: gift and paid, the total ignored, a quoted note with commas and a line break", () => {
    const header = 'id,key,status,note,giftBalance,chargeBalance,totalBalance,lastCheckedAt,createdAt';
    const text = `${header}\r\n1,${k('a')},active,"a ""note"", with\nlines",0.88,88,88.88,,2026-01-01\r\n2,${k('b')},active,,,,,,2026-01-01\r\n`;
    expect(extractKeys(text).keys).toEqual([k('a'), k('b')]);
    expect(balances(text)).toEqual({ a: { gift: yuan(0.88), paid: yuan(88) } });
  });

  it('a first line that only looks a little like a header is read as free text', () => {
    const text = `here are my keys, balance below\n${k('a')} 14`;
    expect(balances(text)).toEqual({ a: { gift: yuan(14), paid: 0 } });
  });
});

describe('extractKeys: accounts beside the keys', () => {
  const accounts = (text: string) => Object.fromEntries([...extractKeys(text).accounts].map(([key, a]) => [key.slice(3, 4), a]));

  it.each([
    ['account= after a space', `${k('a')} account=acct-1`, undefined],
    ['account: after a tab', `${k('a')}\taccount: acct-1`, undefined],
    ['账户= after ----', `${k('a')}----账户=acct-1`, undefined],
    ['a quoted account=', `${k('a')}, account="acct-1"`, undefined],
    ['an account that has "account" in it', `${k('a')} account=my-account-1`, undefined],
    ['a figure, then account=', `${k('a')} 14 account=acct-1`, 14],
    ['a figure with commas, then account=', `${k('a')},14,account=acct-1`, 14],
    ["the key seller's three ---- fields", `${k('a')}----14----acct-1`, 14],
  ])('reads %s', (_name, line, gift) => {
    const parsed = extractKeys(`${line}\n${k('b')}`);
    expect(parsed.keys).toEqual([k('a'), k('b')]);
    expect(Object.values(accounts(`${line}\n${k('b')}`))).toEqual([expect.stringMatching(/^(acct-1|my-account-1)$/)]);
    expect(parsed.balances.get(k('a'))?.gift).toBe(gift === undefined ? undefined : gift * 1_000_000_000);
  });

  it('names no account for two keys on a line, a bare second ---- field, or account= in the middle of a line', () => {
    const text = [`${k('a')} ${k('b')} account=x`, `${k('c')}----acct`, `${k('d')} account=x 14`].join('\n');
    const parsed = extractKeys(text);
    expect(parsed.keys).toEqual(['a', 'b', 'c', 'd'].map(k));
    expect(parsed.accounts.size).toBe(0);
  });

  it('reads a long line in one pass', () => {
    const started = performance.now();
    extractKeys(`${k('a')}${' account'.repeat(100_000)} x\n${k('b')}${' '.repeat(200_000)}y`);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('counts an account that is not a valid name, and takes the key without it', () => {
    const parsed = extractKeys(`${k('a')} account=${'x'.repeat(65)}\n${k('b')} account=none\n${k('c')} account=`);
    expect(parsed.keys).toEqual(['a', 'b', 'c'].map(k));
    expect(parsed).toMatchObject({ badAccounts: 3 });
    expect(parsed.accounts.size).toBe(0);
  });

  it('a CSV account column (account, 账户, user_id), beside balances or alone; an empty cell names none', () => {
    expect(accounts(`key,account\n${k('a')},acct-1\n${k('b')},`)).toEqual({ a: 'acct-1' });
    expect(accounts(`密钥,余额,账户\n${k('a')},14,acct-2`)).toEqual({ a: 'acct-2' });
    expect(accounts(`user_id;key\nacct-3;${k('a')}`)).toEqual({ a: 'acct-3' });
    expect(extractKeys(`key,account\n${k('a')},acct-1`).balances.size).toBe(0);
  });

  it("reads our own export's account, the formula guard's apostrophe taken off", () => {
    const header = 'id,key,status,note,giftBalance,chargeBalance,totalBalance,lastCheckedAt,createdAt,account';
    const text = `${header}\r\n1,${k('a')},active,,1,0,1,,2026-01-01,'-acct\r\n2,${k('b')},active,,,,,,2026-01-01,\r\n`;
    expect(accounts(text)).toEqual({ a: '-acct' });
  });
});

describe('extractKeys: our own JSON export', () => {
  it('reads each key with its gift and paid balance (yuan) and its account', () => {
    const text = JSON.stringify([
      { id: 1, key: k('a'), giftBalance: 0.88, chargeBalance: 88, totalBalance: 88.88, account: 'acct-1' },
      { id: 2, key: k('b'), giftBalance: null, chargeBalance: null, account: null },
    ]);
    const parsed = extractKeys(text);
    expect(parsed.keys).toEqual([k('a'), k('b')]);
    expect(parsed.balances.get(k('a'))).toEqual({ gift: 880_000_000, paid: 88_000_000_000 });
    expect(parsed.balances.has(k('b'))).toBe(false);
    expect([...parsed.accounts]).toEqual([[k('a'), 'acct-1']]);
  });

  it('reads any other JSON (no array of objects with a key) as free text', () => {
    expect(extractKeys(JSON.stringify({ keys: [k('a')] })).keys).toEqual([k('a')]);
    expect(extractKeys(JSON.stringify([k('a'), k('b')])).keys).toEqual([k('a'), k('b')]);
    expect(extractKeys(`[not json, ${k('a')}]`).keys).toEqual([k('a')]);
  });
});

describe('isFullKey', () => {
  it('is true for a whole key with surrounding spaces and false for a fragment', () => {
    expect(isFullKey(`  ${k('a')} `)).toBe(true);
    expect(isFullKey('sk-abcd')).toBe(false);
    expect(isFullKey('note text')).toBe(false);
  });
});
