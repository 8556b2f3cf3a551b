import dotenv from 'dotenv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import type { RuntimeSetting, Setting } from '../../src/config/setting.js';
import { RUNTIME_SETTINGS, SETTINGS } from '../../src/config/table/index.js';
import { projectRoot } from '../../src/paths.js';

/**
 * The settings table (src/config/table/) is the one declaration of each setting; .env.example and the
 * help texts are written by hand for people. These tests hold the prose to the table: the variables in
 * its order, each with its default, marked [runtime] exactly when the admin can change it, naming the
 * allowed values and no other range than the declared one.
 */
const EXAMPLE_TEXT = readFileSync(join(projectRoot, '.env.example'), 'utf8');

/** .env.example's variables in order, each with the comment above it (one comment may serve the variables right under it). */
function exampleEntries(text: string): { name: string; comment: string }[] {
  const entries: { name: string; comment: string }[] = [];
  let comment: string[] = [];
  let afterVariable = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '') comment = [];
    else if (line.startsWith('#')) {
      if (afterVariable) comment = [];
      comment.push(line.replace(/^#\s?/, ''));
    } else entries.push({ name: line.slice(0, line.indexOf('=')), comment: comment.join('\n') });
    afterVariable = line.trim() !== '' && !line.startsWith('#');
  }
  return entries;
}

const example = new Map(exampleEntries(EXAMPLE_TEXT).map((e) => [e.name, e.comment]));
const exampleValues = dotenv.parse(EXAMPLE_TEXT);
const settings = SETTINGS as readonly Setting[];
const bySetting = settings.map((s) => [s.env, s] as const);

/** The ranges a text states, as "min–max" (an en dash, as the documentation writes them). */
const rangesIn = (text: string) => [...text.matchAll(/(\d+)–(\d+)/g)].map((m) => `${m[1]}–${m[2]}`);
const names = (text: string, value: string) =>
  new RegExp(`(^|[^\\w-])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(text);

const reads = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return true;
  } catch {
    return false;
  }
};

describe('the settings table', () => {
  it('declares each name and each variable once', () => {
    expect(new Set(settings.map((s) => s.name)).size).toBe(settings.length);
    expect(new Set(settings.map((s) => s.env)).size).toBe(settings.length);
  });

  it('.env.example lists every variable in the table order', () => {
    expect([...example.keys()]).toEqual(settings.map((s) => s.env));
  });

  it.each(bySetting)('%s: .env.example shows the declared default, which reads like the variable left unset', (env, s) => {
    expect(exampleValues[env]).toBe(s.default);
    expect(loadConfig({ [env]: s.default })).toEqual(loadConfig({}));
  });

  it.each(bySetting)('%s: .env.example marks it [runtime] exactly when the admin can change it', (env, s) => {
    expect(example.get(env)?.includes('[runtime]')).toBe(s.group === 'runtime');
  });

  it.each(bySetting)('%s: .env.example and the help texts name every allowed value and only the declared range', (env, s) => {
    const range = s.kind.range && `${s.kind.range.min}–${s.kind.range.max}`;
    for (const text of [example.get(env)!, s.help.zh, s.help.en]) {
      for (const value of s.kind.values ?? []) expect(names(text, value), `${value} in ${text}`).toBe(true);
      for (const stated of rangesIn(text)) expect(stated).toBe(range);
    }
    // The help texts are the documentation's: they state a range wherever there is one.
    if (range) for (const help of [s.help.zh, s.help.en]) expect(rangesIn(help)).toEqual([range]);
  });

  it.each(RUNTIME_SETTINGS.map((s) => [s.name, s as RuntimeSetting] as const))(
    '%s: the admin may set what the environment may, and no more',
    (_name, s) => {
      const { range, values, runtime } = s.kind;
      if (range) {
        for (const [n, ok] of [
          [range.min, true],
          [range.max, true],
          [range.min - 1, false],
          [range.max + 1, false],
        ] as const) {
          expect(runtime.safeParse(n).success).toBe(ok);
          expect(reads({ [s.env]: String(n) })).toBe(ok);
        }
      }
      for (const value of values ?? []) expect(runtime.safeParse(value).success).toBe(true);
      expect(s.label.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(s.label.en).not.toBe('');
    },
  );

  it('a secret the admin may set is a password input: the form never shows it back', () => {
    for (const s of RUNTIME_SETTINGS) expect(s.kind.input.type === 'password').toBe(s.secret === true);
  });
});
