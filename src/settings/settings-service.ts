import { EventEmitter } from 'node:events';
import type { RuntimeDefaults } from '../config/env.js';
import { lacksGuestPassword } from '../config/table/index.js';
import type { KeyCipher } from '../crypto/key-cipher.js';
import type { Db } from '../db/database.js';
import { HttpError } from '../http-error.js';
import {
  isSettingName,
  patchSchema,
  SECRET_SETTINGS,
  SETTING_NAMES,
  settingSchemas,
  type RuntimeSettings,
  type SettingName,
  type SettingSource,
} from './runtime-settings.js';

// What the routes and the proxy import from here.
export { isSettingName, type RuntimeSettings } from './runtime-settings.js';

/**
 * Settings the admin can change at runtime (declared in config/table/, with group 'runtime').
 *
 * The rule (documented in the README): the environment (.env) gives each setting's value until the
 * admin changes it; from then on the admin's value, kept in the database, wins — a restart never undoes
 * it. Resetting a setting in the admin (DELETE /admin/api/settings/:name) hands it back to the environment.
 */
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
    // A setting the environment leaves unset (the guest password) is null at runtime: JSON has no undefined.
    this.defaults = Object.fromEntries(SETTING_NAMES.map((n) => [n, defaults[n] ?? null])) as RuntimeSettings;
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
    const entries = Object.entries(this.current) as [SettingName, unknown][];
    const values = Object.fromEntries([
      ...entries.filter(([n]) => !SECRET_SETTINGS.has(n)),
      ...entries.filter(([n]) => SECRET_SETTINGS.has(n)).map(([n, v]) => [`${n}Set`, v !== null]),
    ]) as Record<string, unknown>;
    const sources = Object.fromEntries(SETTING_NAMES.map((n) => [n, Object.hasOwn(this.overrides, n) ? 'admin' : 'environment'])) as Record<
      SettingName,
      SettingSource
    >;
    return { values, sources };
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

function assertConsistent(s: RuntimeSettings) {
  if (lacksGuestPassword(s)) {
    throw new HttpError(400, 'invalid-setting', 'guestPassword: a guest password is required when accessControl is restricted');
  }
}
