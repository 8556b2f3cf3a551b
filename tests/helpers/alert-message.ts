import type { AlertMessage } from '../../src/alerts/alert-types.js';

/** A message as the engine would send it (keys-low, firing, warning) unless told otherwise. */
export function alertMessage(overrides: Partial<AlertMessage> = {}): AlertMessage {
  return {
    incidentId: '17',
    event: 'keys-low',
    state: 'firing',
    severity: 'warning',
    subject: '',
    title: { zh: '可用密钥不足', en: 'Few usable keys' },
    text: { zh: '可用密钥 2 个（共 10 个启用）', en: '2 usable keys (of 10 enabled)' },
    data: { usable: 2, enabled: 10 },
    link: 'http://127.0.0.1:3000/admin',
    startedAt: '2026-12-01T00:00:00.000Z',
    at: '2026-12-01T00:00:01.000Z',
    resolvedAt: null,
    ...overrides,
  };
}
