// @ts-check
// The shapes of the /admin/api answers the page reads (see src/routes/admin/). Types only.

/**
 * @typedef {'active' | 'exhausted' | 'invalid' | 'error' | 'disabled'} KeyStatus
 * @typedef {{
 *   id: number; maskedKey: string; status: KeyStatus; note: string; totalBalance: number | null;
 *   lastCheckedAt: string | null; lastError: string | null; cooling: KeyCooling[];
 * }} KeyView
 * @typedef {{ items: KeyView[]; total: number }} KeyList
 * @typedef {{ added: number; duplicates: number; invalid: number; jobId: string | null }} ImportResult
 * @typedef {{ state: 'running' | 'done' | 'failed'; done: number; total: number; failed: number }} JobProgress
 * @typedef {{
 *   time: string; model: string | null; requestedModel: string | null; stream: boolean; status: number; keyId: number | null; attempts: number;
 *   totalTokens: number | null; firstByteMs: number | null; totalMs: number; errorClass: string | null;
 * }} LogEntry
 * @typedef {{ items: LogEntry[]; total: number }} LogList
 * @typedef {{ time: string; requests: number; errors: number; tokens: number }} SeriesBucket
 * @typedef {{ username: string; csrfToken: string; mustChangePassword: boolean }} Session
 * @typedef {{ values: Record<string, unknown> }} SettingsView
 * @typedef {{ key: string }} AccessKey
 */

// Spend (issue 11): GET /admin/api/spend and /admin/api/spend/summary (docs/admin-api.en.md, "Spend").
// Money is exact decimal yuan strings, each figure with its kind.
/**
 * @typedef {'exact' | 'estimated' | 'unknown'} MoneyKind
 * @typedef {{
 *   kind: MoneyKind; requests: number; inputTokens: number; outputTokens: number; cost: string; gift: string; paid: string;
 *   unknownCredit: string; unpriced: { requests: number; inputTokens: number; outputTokens: number };
 * }} SpendFigures
 * @typedef {SpendFigures & { group: string | number | null; start?: string; maskedKey?: string | null; clientName?: string | null; clientDeleted?: boolean }} SpendRow
 * @typedef {'day' | 'hour' | 'model' | 'key' | 'client'} SpendGroupBy
 * @typedef {{ from: string; to: string; groupBy: SpendGroupBy; rows: SpendRow[]; totals: SpendFigures }} SpendReport
 * @typedef {{ yuan: string | null; kind: MoneyKind; keys: number }} PoolCredit
 * @typedef {{
 *   gift: PoolCredit; paid: PoolCredit; total: PoolCredit; keys: { counted: number; exact: number; estimated: number; unknown: number };
 * }} PoolBalance
 * @typedef {{ kind: 'estimated'; hours: number; days: number; at: string; perHour: string }
 *   | { kind: 'unknown'; hours: null; days: null; at: null; perHour: string | null; reason: 'no-balance' | 'no-spend' }} Runway
 * @typedef {{
 *   keyId: number; maskedKey: string; perHour: string; basis: '24h' | '7d'; hours: number; at: string; date: string;
 *   balance: { yuan: string; kind: MoneyKind; source: string | null; at: string | null };
 * }} RunningOutKey
 * @typedef {{
 *   days: string[]; models: { model: string | null; cost: string[] }[]; other: string[]; unpricedRequests: number[];
 * }} DailySpend
 * @typedef {{
 *   spend: { today: SpendFigures; last7Days: SpendFigures; last30Days: SpendFigures };
 *   daily: DailySpend; topModels: SpendRow[]; topKeys: SpendRow[];
 *   burn: { kind: MoneyKind; perHour: { cost: string; gift: string; paid: string; unknownCredit: string }; unpricedRequests: number };
 *   balance: PoolBalance; runway: { gift: Runway; paid: Runway }; runningOut: RunningOutKey[];
 * }} SpendSummary
 */

// Key money and prices (issue 11): the ledger's fields of a key, its spend, the import preview, the price table.
/**
 * @typedef {import('../format.js').BalanceKind} BalanceKind
 * @typedef {'user-info' | 'signal' | 'admin' | 'top-up' | 'import'} MoneyAnchorSource
 * @typedef {KeyView & {
 *   giftBalance: number | null; chargeBalance: number | null; balanceKind: BalanceKind;
 *   balanceSource: MoneyAnchorSource | null; balanceAt: string | null;
 * }} MoneyKeyView
 * @typedef {{ items: MoneyKeyView[]; total: number }} MoneyKeyList
 * @typedef {{ group: string | number | null; kind: BalanceKind; requests: number; cost: string; unpriced: { requests: number } }} KeySpend
 * @typedef {{ affected: number; notFound: number[] }} BulkMoneyResult
 * @typedef {{ maskedKey: string; gift: number | null; paid: number | null; duplicate: boolean }} PreviewKey
 * @typedef {{
 *   keys: PreviewKey[]; keysLeftOut: number; added: number; duplicates: number; invalid: number; unusual: number; withBalance: number;
 * }} ImportPreview
 * @typedef {ImportResult & { unusual: number; balancesSet: number; balancesSkipped: number }} MoneyImportResult
 * @typedef {'million-tokens' | 'million-utf8-bytes' | 'image' | 'video'} PriceUnit
 * @typedef {{ unit: PriceUnit; input?: string; output?: string; price?: string; uncertain?: boolean }} PriceText
 * @typedef {PriceText & { model: string; uncertain: boolean; source: 'shipped' | 'admin'; updatedAt?: string; shipped?: PriceText }} PriceEntry
 * @typedef {{ date: string; source: string; models: PriceEntry[] }} PriceList
 * @typedef {{ models: number; sameAsShipped: number; adminPrices: number; replaced: number }} PriceImport
 */

// Client keys (issue 12): GET/POST/PATCH /admin/api/clients (docs/admin-api.en.md, "Client keys"). Money is exact decimal yuan strings.
/**
 * @typedef {'day' | 'month' | 'total'} BudgetPeriod
 * @typedef {'active' | 'disabled' | 'expired' | 'deleted'} ClientStatus
 * @typedef {{ yuan: string; kind: MoneyKind }} ClientMoney
 * @typedef {{ requests: number; tokens: number; spent: ClientMoney }} ClientUsageFigures
 * @typedef {ClientMoney & { limit: string; resetsAt: string | null }} ClientRemaining
 * @typedef {{
 *   id: number; kind: 'default' | 'client'; name: string; note: string; maskedKey: string; status: ClientStatus; enabled: boolean;
 *   expiresAt: string | null; models: string[]; freeOnly: boolean; budgets: Record<BudgetPeriod, string | null>;
 *   rpm: number | null; maxConcurrent: number | null; allowedIps: string[]; createdAt: string; deletedAt: string | null;
 *   lastUsedAt: string | null; usage: { today: ClientUsageFigures; thisMonth: ClientUsageFigures; total: ClientUsageFigures };
 *   remaining: Record<BudgetPeriod, ClientRemaining | null>; inFlight: number;
 * }} ClientView
 * @typedef {{ key: string; client: ClientView }} IssuedClientKey
 * @typedef {{
 *   name: string; note: string; enabled: boolean; expiresAt: number | null; freeOnly: boolean; models: string[];
 *   budgets: Record<BudgetPeriod, string | null>; rpm: number | string | null; maxConcurrent: number | string | null; allowedIps: string[];
 * }} ClientBody
 */

// Local budgets (issue 13, ACCOUNT_LIMITS): GET /admin/api/pool/limits (docs/admin-api.en.md has no entry yet; see docs/proxy.en.md, "Local budgets").
/**
 * @typedef {{ used: number; limit: number } | null} LimitFigure
 * @typedef {{ account: string; model: string; line: string; rpm: LimitFigure; tpm: LimitFigure; rpd: LimitFigure; blockedUntil: string | null }} LimitUse
 * @typedef {{ lines: string[]; pairs: LimitUse[]; total: number }} LimitsReport
 */

// Key events (issue 13, recovery): GET /admin/api/keys/:id/events (docs/admin-api.en.md, "Key history").
/**
 * @typedef {{ id: number; at: string; from: KeyStatus; to: KeyStatus; reason: string; source: 'proxy' | 'check' | 'admin' | 'recovery' }} KeyEvent
 * @typedef {{ items: KeyEvent[] }} KeyEventList
 */

export {};

// Cooling per account × model (issue 13): each key's `cooling`, and GET /admin/api/pool/cooling.
/**
 * @typedef {{ model: string | null; until: string; limit: string | null }} KeyCooling
 * @typedef {{ account: string; model: string | null; until: string; limit: string | null; reason: string; keys: number }} PoolCoolingItem
 */

// Accounts (issue 13): which SiliconFlow account each key belongs to (docs/admin-api.en.md, "Accounts").
/**
 * @typedef {'user-info' | 'admin' | 'import'} AccountSource
 * @typedef {MoneyKeyView & { account: string | null; accountSource: AccountSource | null }} AccountKeyView
 * @typedef {{ items: AccountKeyView[]; total: number }} AccountKeyList
 * @typedef {{ keys: number; usable: number; totalBalance: number | null; balanceKnown: number }} AccountCounts
 * @typedef {AccountCounts & { account: string }} AccountTotals
 * @typedef {{ accounts: AccountTotals[]; unknown: AccountCounts }} AccountList
 * @typedef {PreviewKey & { account: string | null }} AccountPreviewKey
 * @typedef {Omit<ImportPreview, 'keys'> & { keys: AccountPreviewKey[]; withAccount: number; badAccounts: number }} AccountImportPreview
 * @typedef {MoneyImportResult & { accountsSet: number; badAccounts: number }} AccountImportResult
 */

// Issue 14, the Alerts tab: GET/PATCH /admin/api/alerts/rules, GET /alerts/incidents, the channels and
// the delivery log (docs/admin-api.en.md, "Alerts"). Times are ISO strings.
/**
 * @typedef {'keys-low' | 'runway-low' | 'keys-invalid' | 'keys-exhausted' | 'model-cooling' | 'ip-blocked' | 'pool-backoff' | 'check-failed' | 'client-budget' | 'default-password'} AlertEvent
 * @typedef {'info' | 'warning' | 'critical'} Severity
 * @typedef {{ zh: string; en: string }} Bilingual
 * @typedef {{
 *   event: AlertEvent; enabled: boolean; severity: Severity; clearAfterSeconds: number; params: Record<string, number>;
 *   label: Bilingual; help: Bilingual;
 * }} AlertRule
 * @typedef {{
 *   id: number | string; event: AlertEvent; subject: string; severity: Severity; state: 'firing' | 'clearing' | 'resolved';
 *   title: Bilingual; text: Bilingual; data: Record<string, unknown>; startedAt: string; lastSeenAt: string;
 *   clearSince: string | null; resolvedAt: string | null;
 * }} AlertIncident
 * @typedef {'webhook' | 'wecom' | 'dingtalk' | 'feishu' | 'bark' | 'ntfy'} ChannelType
 * @typedef {'pending' | 'sent' | 'failed'} DeliveryStatus
 * @typedef {{
 *   id: number; name: string; type: ChannelType; url: string; hasSecret: boolean; events: AlertEvent[] | null; minSeverity: Severity;
 *   enabled: boolean; createdAt: string; updatedAt: string; lastDelivery: { status: DeliveryStatus; at: string } | null;
 * }} ChannelView
 * @typedef {{
 *   name?: string; type?: ChannelType; url?: string; secret?: string | null; events?: AlertEvent[] | null; minSeverity?: Severity; enabled?: boolean;
 * }} ChannelBody
 * @typedef {{
 *   id: number; channelId: number | null; channelName: string; event: AlertEvent; state: 'firing' | 'resolved' | 'test';
 *   incidentId: string | null; severity: Severity; status: DeliveryStatus; attempts: number; lastStatus: number | null;
 *   lastError: string | null; createdAt: string; lastAttemptAt: string | null; nextAttemptAt: string | null; sentAt: string | null;
 * }} Delivery
 */
