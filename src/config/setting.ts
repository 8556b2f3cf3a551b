import type { Kind, RuntimeKind } from './kinds.js';

/** A text in both languages of the pages. */
export type Texts = Readonly<{ zh: string; en: string }>;

/**
 * Where a setting lands in Config: `main` at its top, `proxy` in `config.proxy` (the /v1 proxy's
 * limits), `runtime` in `config.runtime` — the settings the admin may change while the server runs,
 * whose environment value holds until the admin changes it (settings/settings-service.ts).
 */
export type Group = 'main' | 'proxy' | 'runtime';

type Declared<N extends string, G extends Group, K extends Kind> = Readonly<{
  /** Its name in Config and, for a runtime setting, in the admin API and the form. */
  name: N;
  /** The environment variable that sets it. */
  env: string;
  group: G;
  kind: K;
  /** The variable's text when unset, as .env.example shows it: '' means unset (the kind says what that is). */
  default: string;
  /** What it does, for the documentation (README's tables). A range or list of values it names is the kind's. */
  help: Texts;
  /** Never printed or sent back. A runtime one the database keeps encrypted, and the admin API says only whether it is set. */
  secret?: boolean;
}>;

/** A setting only the environment gives. */
export type EnvSetting<N extends string = string, G extends 'main' | 'proxy' = 'main' | 'proxy', K extends Kind = Kind> = Declared<N, G, K>;

/** A setting the admin may change at runtime: it has a label in the admin form. */
export type RuntimeSetting<N extends string = string, K extends RuntimeKind = RuntimeKind> = Declared<N, 'runtime', K> &
  Readonly<{ label: Texts }>;

export type Setting = EnvSetting | RuntimeSetting;

/** Declares a setting only the environment gives (keeping its literal name and kind for the derived types). */
export function envSetting<const N extends string, const G extends 'main' | 'proxy', K extends Kind>(s: EnvSetting<N, G, K>) {
  return s;
}

/** Declares a setting the admin may change at runtime. */
export function runtimeSetting<const N extends string, K extends RuntimeKind>(
  s: Omit<RuntimeSetting<N, K>, 'group'>,
): RuntimeSetting<N, K> {
  return { ...s, group: 'runtime' };
}
