import type { SettingInput } from '../config/kinds.js';
import { RUNTIME_SETTINGS } from '../config/table/index.js';
import type { Language } from '../pages/i18n.js';

/** One input of the admin's settings form (views/admin/partials/settings.ejs), in the page's language. */
export type SettingField = Readonly<{ name: string; label: string; input: SettingInput; secret: boolean }>;

const fieldsOf = (lang: Language): readonly SettingField[] =>
  Object.freeze(
    RUNTIME_SETTINGS.map((s) => Object.freeze({ name: s.name, label: s.label[lang], input: s.kind.input, secret: s.secret ?? false })),
  );

const FIELDS: Readonly<Record<Language, readonly SettingField[]>> = { zh: fieldsOf('zh'), en: fieldsOf('en') };

/** The settings form's inputs, one per runtime setting in the table's order. */
export function settingFieldsOf(lang: Language): readonly SettingField[] {
  return FIELDS[lang];
}
