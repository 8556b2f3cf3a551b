import { z } from 'zod';
import { RUNTIME_SETTINGS, type RuntimeEntry } from '../config/table/index.js';

/** The settings the admin may change, read from the table (config/table/): each one's runtime check. */
export const settingSchemas = Object.fromEntries(RUNTIME_SETTINGS.map((s) => [s.name, s.kind.runtime])) as {
  [S in RuntimeEntry as S['name']]: S['kind']['runtime'];
};
export type SettingName = keyof typeof settingSchemas;
export type RuntimeSettings = { [K in SettingName]: z.infer<(typeof settingSchemas)[K]> };
export type SettingSource = 'admin' | 'environment';

export const SETTING_NAMES = RUNTIME_SETTINGS.map((s) => s.name);

/** Stored encrypted and never sent back to the browser. */
export const SECRET_SETTINGS: ReadonlySet<SettingName> = new Set(RUNTIME_SETTINGS.filter((s) => s.secret).map((s) => s.name));

/** A partial update: only known names, each checked by its setting's schema. */
export const patchSchema = z.object(settingSchemas).partial().strict();

/** An own property only: `constructor`, `toString` or `__proto__` are not settings. */
export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(settingSchemas, name);
}
