import type { z } from 'zod';
import type { RuntimeSetting } from '../setting.js';
import { accessSettings } from './access.js';
import { accountLimitSettings } from './account-limits.js';
// Issue 14, alert engine: ALERT_CHECK_SECONDS and PUBLIC_URL.
import { alertSettings } from './alerts.js';
import { checkSettings } from './checks.js';
import { proxySettings } from './proxy.js';
import { recoverySettings } from './recovery.js';
import { selfIssueSettings } from './self-issue.js';
import { serverSettings } from './server.js';
import { storageSettings } from './storage.js';
import { userPageSettings } from './user-page.js';

export { ACCESS_CONTROL_MODES, lacksGuestPassword, type AccessControl } from './user-page.js';
export { KEY_STRATEGIES, type KeyStrategy } from './proxy.js';

/**
 * Every setting the server has, each declared once: its variable, kind, default, group, texts.
 * The environment's schema (config/env.ts), the runtime settings (settings/runtime-settings.ts) and
 * the admin form (settings/settings-form.ts) are read from it; .env.example documents it in the same
 * order and sections (tests/unit/settings-table.test.ts holds the two together).
 */
export const SETTINGS = [
  ...serverSettings,
  ...accessSettings,
  ...userPageSettings,
  ...selfIssueSettings,
  ...proxySettings,
  ...accountLimitSettings,
  ...checkSettings,
  // Issue 13: how error, exhausted and invalid keys are tried again.
  ...recoverySettings,
  // Issue 14, alert engine: how often the rules are evaluated, and where their links point.
  ...alertSettings,
  ...storageSettings,
];

type AnySetting = (typeof SETTINGS)[number];

/** What each setting of a group reads from the environment, by name. */
export type GroupValues<G extends AnySetting['group']> = {
  [S in AnySetting as S['group'] extends G ? S['name'] : never]: z.output<S['kind']['env']>;
};

/** The settings the admin may change at runtime, in the table's order (the form's). */
export type RuntimeEntry = Extract<AnySetting, RuntimeSetting>;
export const RUNTIME_SETTINGS = SETTINGS.filter((s): s is RuntimeEntry => s.group === 'runtime');
