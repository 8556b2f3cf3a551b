import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { limitLines } from '../../src/config/limit-lines.js';

/** ACCOUNT_LIMITS as the admin writes it: each line checked, normalised, and a bad one named by its number. */
const read = (lines: string[]) => limitLines.safeParse(lines);
const problem = (lines: string[]) => {
  const r = read(lines);
  return r.success ? null : r.error.issues[0]!.message;
};

describe('ACCOUNT_LIMITS lines', () => {
  it('reads an account, a model and any of rpm, tpm, rpd, written back in one spelling', () => {
    expect(read(['  acc-1   deepseek-ai/DeepSeek-V3  rpd=100 rpm=5 ', '* Pro/* tpm=50000', '* * rpm=2']).data).toEqual([
      'acc-1 deepseek-ai/DeepSeek-V3 rpm=5 rpd=100',
      '* Pro/* tpm=50000',
      '* * rpm=2',
    ]);
  });

  it('reads a level line as the documented floor, for every model of the account', () => {
    expect(read(['acc-1 level=l0', '* level=L0']).data).toEqual(['acc-1 level=L0', '* level=L0']);
  });

  it('drops blank lines, and is off when empty or the one line none', () => {
    expect(read(['', '  ', '* * rpm=1', '']).data).toEqual(['* * rpm=1']);
    expect(read([]).data).toEqual([]);
    expect(read(['none']).data).toEqual([]);
  });

  it.each([
    [['* * rpm=2', 'acc'], 'line 2 "acc": must be <account | *> <model | prefix/* | *> rpm=N tpm=N rpd=N, or <account | *> level=L0'],
    [['acc model'], 'line 1 "acc model": give at least one of rpm=N, tpm=N, rpd=N (or <account> level=L0)'],
    [['acc model rpm=0'], 'line 1 "acc model rpm=0": rpm must be a whole number from 1 to 1000000000'],
    [['acc model rpm=2 rpm=3'], 'line 1 "acc model rpm=2 rpm=3": rpm is given twice'],
    [['acc model rps=2'], 'line 1 "acc model rps=2": "rps=2" is not rpm=N, tpm=N or rpd=N'],
    [['acc model rpm=1.5'], 'line 1 "acc model rpm=1.5": "rpm=1.5" is not rpm=N, tpm=N or rpd=N'],
    [
      ['acc level=L3'],
      'line 1 "acc level=L3": the only known level is L0 (the documented minimum); give rpm=, tpm= or rpd= for a higher one',
    ],
    [['acc level=L0 rpm=5'], 'line 1 "acc level=L0 rpm=5": a level line is <account> level=L0, with nothing after it'],
    [
      ['acc Qwen/* rpm=1', 'acc Qwen/* tpm=9'],
      'line 2 "acc Qwen/* tpm=9": account acc, model Qwen/* is given twice (a level line is for every model)',
    ],
    [['acc level=L0', 'acc * rpm=9'], 'line 2 "acc * rpm=9": account acc, model * is given twice (a level line is for every model)'],
    [['a*c * rpm=1'], 'line 1 "a*c * rpm=1": the account must be one name without spaces or =, or *'],
    [['acc Qwen* rpm=1'], 'line 1 "acc Qwen* rpm=1": the model must be one name without spaces or =, or * (or prefix/*)'],
  ])('refuses %j: %s', (lines, message) => {
    expect(problem(lines)).toBe(message);
  });

  it('reads the environment comma- or newline-separated, and dies on a bad line naming the variable', () => {
    expect(loadConfig({ ACCOUNT_LIMITS: '* * rpm=2,\n acc-1 level=L0' }).runtime.accountLimits).toEqual(['* * rpm=2', 'acc-1 level=L0']);
    expect(loadConfig({ ACCOUNT_LIMITS: 'none' }).runtime.accountLimits).toEqual([]);
    expect(() => loadConfig({ ACCOUNT_LIMITS: '* * rpm=2,oops' })).toThrow(/ACCOUNT_LIMITS.*line 2 "oops"/);
  });
});
