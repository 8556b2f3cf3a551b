import cron from 'node-cron';
import { z } from 'zod';
import { parseYuan } from '../ledger/money.js';
import { aliasLines, aliasTableEnv } from './alias-lines.js';

/**
 * What kind of value a setting holds: how its environment variable is read and, for a setting the
 * admin may change, how a new value is checked and which input the admin form shows. The table
 * (table/) gives each setting one kind; the messages here are the ones start-up prints after the
 * variable's name and the settings API answers after the setting's name, so tests assert them.
 */
export type Kind<Env = unknown> = {
  /** Reads the variable's text. An unset or blank variable is read as the declared default instead ('' = undefined). */
  readonly env: z.ZodType<Env>;
  /** The allowed values, for a setting that takes one of a list. */
  readonly values?: readonly string[];
  /** The allowed whole numbers, in the variable's unit. */
  readonly range?: Readonly<{ min: number; max: number }>;
};

/** A kind the admin may change at runtime: checked by `runtime` (JSON values, not text), shown as `input`. */
export type RuntimeKind<Env = unknown, Value = unknown> = Kind<Env> & {
  readonly runtime: z.ZodType<Value>;
  readonly input: SettingInput;
};

/** How the admin form shows a setting (views/admin/partials/settings.ejs renders each, public/js/admin/settings.js reads it back). */
export type SettingInput =
  | Readonly<{ type: 'select'; options: readonly string[] }>
  | Readonly<{ type: 'number'; min: number; max: number }>
  | Readonly<{ type: 'checkbox' | 'text' | 'list' | 'lines' | 'password' }>;

/** A whole number from min to max; the form shows a number input with the same range. */
export function int(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return {
    env: z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message }),
    runtime: z.number().int().min(min).max(max),
    input: { type: 'number', min, max },
    range: { min, max },
  } as const satisfies RuntimeKind;
}

/** A whole number of seconds in the environment, kept as milliseconds. */
export function seconds(min: number, max: number) {
  return { env: int(min, max).env.transform((s) => s * 1000), range: { min, max } } as const satisfies Kind;
}

/** true/false (also 1/0, yes/no, in any case); a checkbox in the form. */
export function flag() {
  return {
    env: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
      z
        .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
        .transform((v) => v === 'true' || v === '1' || v === 'yes'),
    ),
    runtime: z.boolean(),
    input: { type: 'checkbox' },
  } as const satisfies RuntimeKind;
}

/** One of a list; `anyCase` also takes the variable in capitals. A select of the values in the form. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, options: { anyCase?: boolean } = {}) {
  const schema = z.enum(values, { message: `must be one of ${values.join(', ')}` });
  return {
    env: options.anyCase ? z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), schema) : schema,
    runtime: schema,
    input: { type: 'select', options: values },
    values,
  } as const satisfies RuntimeKind;
}

export const cronExpression = z
  .string()
  .refine((v) => cron.validate(v), { message: 'must be a valid cron expression, e.g. "*/30 * * * *"' });

/** A schedule in cron syntax; a text input in the form. */
export function schedule() {
  return { env: cronExpression, runtime: cronExpression, input: { type: 'text' } } as const satisfies RuntimeKind;
}

/** A comma- or newline-separated list of model ids. */
export const modelList = z.string().transform((v) => [...new Set(v.split(/[\s,]+/).filter(Boolean))]);

/** A list of model ids; unset is `fallback`. A textarea, one per line, in the form. */
export function models(fallback: string[]) {
  return {
    env: modelList.optional().transform((v) => v ?? fallback),
    runtime: z.array(z.string().min(1).max(200)).max(1000),
    input: { type: 'list' },
  } as const satisfies RuntimeKind;
}

/** A table of `alias=model` lines (config/alias-lines.ts); unset is `fallback`. A textarea, one line each, in the form. */
export function aliasTable(fallback: readonly string[]) {
  return { env: aliasTableEnv(fallback), runtime: aliasLines, input: { type: 'lines' } } as const satisfies RuntimeKind;
}

/**
 * An amount of yuan, not negative, as a decimal text ("0", "0.5"; up to 9 decimals, the nano-yuan):
 * kept as the text, which parseYuan turns into nano-yuan. A text input in the form.
 */
export function yuanAmount() {
  const schema = z
    .string()
    .refine((v) => (parseYuan(v) ?? -1) >= 0, { message: 'must be an amount in yuan such as "0" or "0.5", not negative' });
  return { env: schema, runtime: schema, input: { type: 'text' } } as const satisfies RuntimeKind;
}

/** Any text (the default is what an unset variable gives). */
export function text(schema: z.ZodString = z.string()) {
  return { env: schema } as const satisfies Kind;
}

/** Text that may be left unset. */
export function optionalText(schema: z.ZodString = z.string()) {
  return { env: schema.optional() } as const satisfies Kind;
}

/**
 * A password the admin may set: unset is null at runtime, and the admin's one is checked by `runtime`.
 * The form shows an empty password input (a secret is never sent back) that changes it only when typed in.
 */
export function password(runtime: z.ZodString) {
  return { env: z.string().optional(), runtime: runtime.nullable(), input: { type: 'password' } } as const satisfies RuntimeKind;
}
