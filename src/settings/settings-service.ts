import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { ACCESS_CONTROL_MODES, KEY_STRATEGIES, cronExpression, type RuntimeDefaults } from '../config/env.js';
import type { KeyCipher } from '../crypto/key-cipher.js';
import type { Db } from '../db/database.js';
import { HttpError } from '../http-error.js';

/**
 * Settings the admin can change at runtime.
 *
 * The rule (documented in the README): the environment (.env) gives each setting's value until the
 * admin changes it; from then on the admin's value, kept in the database, wins — a restart never undoes
 * it. Resetting a setting in the admin (DELETE /admin/api/settings/:name) hands it back to the environment.
 */
export const settingSchemas = {
  accessControl: z.enum(ACCESS_CONTROL_MODES, { message: 'must be one of open, restricted, private' }),
  guestPassword: z.string().min(4, 'must be at least 4 characters').max(128).nullable(),
  showAccessKeyToGuests: z.boolean(),
  shareKeysWithGuests: z.boolean(),
  keyChecker: z.boolean(),
  pageSize: z.number().int().min(1).max(500),
  balanceRefreshCron: cronExpression,
  checkConcurrency: z.number().int().min(1).max(64),
  checkIntervalMs: z.number().int().min(0).max(60_000),
  keyStrategy: z.enum(KEY_STRATEGIES, { message: `must be one of ${KEY_STRATEGIES.join(', ')}` }),
  freeModels: z.array(z.string().min(1).max(200)).max(1000),
  connectTimeoutMs: z.number().int().min(100).max(600_000),
  firstByteTimeoutMs: z.number().int().min(100).max(3_600_000),
  idleTimeoutMs: z.number().int().min(100).max(3_600_000),
};
export type SettingName = keyof typeof settingSchemas;
export type RuntimeSettings = { [K in SettingName]: z.infer<(typeof settingSchemas)[K]> };
export type SettingSource = 'admin' | 'environment';

/** Stored encrypted and never sent back to the browser. */
const SECRET_SETTINGS: ReadonlySet<SettingName> = new Set(['guestPassword']);
export const SETTING_NAMES = Object.keys(settingSchemas) as SettingName[];
const patchSchema = z.object(settingSchemas).partial().strict();

export class SettingsService extends EventEmitter<{ change: [RuntimeSettings, SettingName[]] }> {
  private readonly defaults: RuntimeSettings;
  private overrides: Partial<RuntimeSettings> = {};
  private current: RuntimeSettings;
  private readonly stmts;

  constructor(
    db: Db,
    defaults: RuntimeDefaults,
    private readonly cipher: KeyCipher,
  ) {
    super();
    this.defaults = { ...defaults, guestPassword: defaults.guestPassword ?? null };
    this.stmts = {
      all: db.prepare<[], { name: string; value: string }>('SELECT name, value FROM settings'),
      upsert: db.prepare<[string, string, number]>(
        'INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      ),
      delete: db.prepare<[string]>('DELETE FROM settings WHERE name = ?'),
    };
    this.transaction = db.transaction((fn: () => void) => fn());
    this.load();
    this.current = this.merge(this.overrides);
  }

  private readonly transaction: (fn: () => void) => void;

  get(): Readonly<RuntimeSettings> {
    return this.current;
  }

  /** What the admin API shows: secrets replaced by whether they are set, and where each value comes from. */
  describe() {
    const { guestPassword, ...values } = this.current;
    const sources = Object.fromEntries(SETTING_NAMES.map((n) => [n, Object.hasOwn(this.overrides, n) ? 'admin' : 'environment'])) as Record<
      SettingName,
      SettingSource
    >;
    return { values: { ...values, guestPasswordSet: guestPassword !== null }, sources };
  }

  /** Validates a partial update against the whole resulting settings, then persists only what was given. */
  update(input: unknown): Readonly<RuntimeSettings> {
    const parsed = patchSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const name = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'body');
      throw new HttpError(400, 'invalid-setting', `${name}: ${issue.message}`);
    }
    const patch = parsed.data as Partial<RuntimeSettings>;
    const next = this.merge({ ...this.overrides, ...patch });
    assertConsistent(next);
    const now = Date.now();
    this.transaction(() => {
      for (const [name, value] of Object.entries(patch)) this.stmts.upsert.run(name, this.encode(name as SettingName, value), now);
    });
    this.overrides = { ...this.overrides, ...patch };
    this.apply(next, Object.keys(patch) as SettingName[]);
    return next;
  }

  /** Hands a setting back to the environment. */
  reset(name: SettingName): Readonly<RuntimeSettings> {
    const { [name]: _removed, ...rest } = this.overrides;
    const next = this.merge(rest);
    assertConsistent(next);
    this.stmts.delete.run(name);
    this.overrides = rest;
    this.apply(next, [name]);
    return next;
  }

  private apply(next: RuntimeSettings, changed: SettingName[]) {
    this.current = Object.freeze(next);
    this.emit('change', this.current, changed);
  }

  private merge(overrides: Partial<RuntimeSettings>): RuntimeSettings {
    return { ...this.defaults, ...overrides };
  }

  private load() {
    for (const { name, value } of this.stmts.all.all()) {
      if (!isSettingName(name)) continue;
      const parsed = settingSchemas[name].safeParse(this.decode(name, value));
      // A stored value this version no longer accepts falls back to the environment rather than failing start-up.
      if (parsed.success) Object.assign(this.overrides, { [name]: parsed.data });
    }
  }

  private encode(name: SettingName, value: unknown): string {
    if (SECRET_SETTINGS.has(name) && typeof value === 'string') {
      return JSON.stringify({ encrypted: this.cipher.encrypt(value).toString('base64') });
    }
    return JSON.stringify(value);
  }

  private decode(name: SettingName, text: string): unknown {
    const value = JSON.parse(text) as unknown;
    if (SECRET_SETTINGS.has(name) && value && typeof value === 'object' && 'encrypted' in value) {
      return this.cipher.decrypt(Buffer.from(String(value.encrypted), 'base64'));
    }
    return value;
  }
}

/** An own property only: `constructor`, `toString` or `__proto__` are not settings. */
export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(settingSchemas, name);
}

function assertConsistent(s: RuntimeSettings) {
  if (s.accessControl === 'restricted' && !s.guestPassword) {
    throw new HttpError(400, 'invalid-setting', 'guestPassword: a guest password is required when accessControl is restricted');
  }
}
