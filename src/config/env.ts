import type { Setting } from './setting.js';
import { SETTINGS, lacksGuestPassword, type GroupValues } from './table/index.js';

// The types the rest of the code (src/proxy among it) imports from here.
export { ACCESS_CONTROL_MODES, KEY_STRATEGIES, type AccessControl, type KeyStrategy } from './table/index.js';

/** A start-up configuration error: printed as one line, then the process exits non-zero. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Every variable the server reads (tested against .env.example). */
export const ENV_VARIABLES = SETTINGS.map((s) => s.env);

/** Proxy limits that only the environment sets (see .env.example). */
export type ProxyLimits = GroupValues<'proxy'>;

/** Initial values of the settings the admin can change at runtime (see settings-service). */
export type RuntimeDefaults = GroupValues<'runtime'>;

/** The validated environment: every setting of the table (config/table/) by name, the proxy's and the runtime ones in their groups. */
export type Config = Readonly<GroupValues<'main'> & { proxy: Readonly<ProxyLimits>; runtime: Readonly<RuntimeDefaults> }>;

/** Validates the environment once; a bad value throws ConfigError naming the variable and what is allowed. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const groups: Record<Setting['group'], Record<string, unknown>> = { main: {}, proxy: {}, runtime: {} };
  for (const setting of SETTINGS as readonly Setting[]) groups[setting.group][setting.name] = readVariable(setting, env[setting.env]);
  const runtime = groups.runtime as RuntimeDefaults;
  if (lacksGuestPassword(runtime)) throw new ConfigError('GUEST_PASSWORD must be set when ACCESS_CONTROL is restricted');
  return Object.freeze({
    ...(groups.main as GroupValues<'main'>),
    proxy: Object.freeze(groups.proxy as ProxyLimits),
    runtime: Object.freeze(runtime),
  });
}

/** An unset or blank variable reads as the setting's default; '' there means unset. */
function readVariable(setting: Setting, raw: string | undefined): unknown {
  const text = [raw, setting.default].find((v) => v !== undefined && v.trim() !== '');
  const parsed = setting.kind.env.safeParse(text);
  if (!parsed.success) throw new ConfigError(`${setting.env} ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
