// @ts-check
// The shapes of the /admin/api answers the page reads (see src/routes/admin/). Types only.

/**
 * @typedef {'active' | 'exhausted' | 'invalid' | 'cooling' | 'error' | 'disabled'} KeyStatus
 * @typedef {{
 *   id: number; maskedKey: string; status: KeyStatus; note: string; totalBalance: number | null;
 *   lastCheckedAt: string | null; lastError: string | null;
 * }} KeyView
 * @typedef {{ items: KeyView[]; total: number }} KeyList
 * @typedef {{ added: number; duplicates: number; invalid: number; jobId: string | null }} ImportResult
 * @typedef {{ state: 'running' | 'done' | 'failed'; done: number; total: number; failed: number }} JobProgress
 * @typedef {{
 *   time: string; model: string | null; stream: boolean; status: number; keyId: number | null; attempts: number;
 *   totalTokens: number | null; firstByteMs: number | null; totalMs: number; errorClass: string | null;
 * }} LogEntry
 * @typedef {{ items: LogEntry[]; total: number }} LogList
 * @typedef {{ time: string; requests: number; errors: number; tokens: number }} SeriesBucket
 * @typedef {{ username: string; csrfToken: string; mustChangePassword: boolean }} Session
 * @typedef {{ values: Record<string, unknown> }} SettingsView
 * @typedef {{ key: string }} AccessKey
 */

export {};
