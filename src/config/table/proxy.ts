import { DEFAULT_FREE_MODELS, DEFAULT_MODEL_ALIASES } from '../../siliconflow/models.js';
import { aliasTable, int, models, oneOf, seconds, yuanAmount } from '../kinds.js';
import { httpUrl } from '../parsers.js';
import { envSetting, runtimeSetting } from '../setting.js';

/** Each is a selector in src/proxy/pool/selectors.ts. */
export const KEY_STRATEGIES = ['round-robin', 'random', 'balance-weighted', 'highest-balance', 'lowest-balance', 'least-used'] as const;
export type KeyStrategy = (typeof KEY_STRATEGIES)[number];

/** Where the upstream is, and how the /v1 proxy picks keys, waits, retries and forgets. */
export const proxySettings = [
  envSetting({
    name: 'siliconflowBaseUrl',
    env: 'SILICONFLOW_BASE_URL',
    group: 'main',
    kind: httpUrl(),
    default: 'https://api.siliconflow.cn',
    help: {
      zh: '所有上游请求发往此地址。国际站为 `https://api.siliconflow.com`；密钥分区域，不能混用。测试和演示指向本地假服务',
      en: 'Every upstream call goes to this origin. The international site is `https://api.siliconflow.com`; keys are region-bound. Tests and the demo point it at the local fake',
    },
  }),
  runtimeSetting({
    name: 'keyStrategy',
    env: 'KEY_STRATEGY',
    kind: oneOf(KEY_STRATEGIES),
    default: 'round-robin',
    label: { zh: '选钥策略', en: 'Key strategy' },
    help: {
      zh: '选密钥的策略：`round-robin`、`random`、`balance-weighted`、`highest-balance`、`lowest-balance`、`least-used`（见[选择策略](#选择策略)）',
      en: 'How a key is chosen: `round-robin`, `random`, `balance-weighted`, `highest-balance`, `lowest-balance`, `least-used` (see [Strategies](#strategies))',
    },
  }),
  runtimeSetting({
    name: 'freeModels',
    env: 'FREE_MODELS',
    kind: models(DEFAULT_FREE_MODELS),
    default: '',
    label: { zh: '免费模型（每行或逗号分隔）', en: 'Free models (one per line or comma-separated)' },
    help: {
      zh: 'SiliconFlow 免费提供的模型，逗号或空白分隔，留空为内置列表；`exhausted` 密钥优先服务它们（见[按模型选择](#按模型选择)）',
      en: 'Models SiliconFlow serves for free, comma- or space-separated, empty for the built-in list; `exhausted` keys serve them first (see [Model-aware choice](#model-aware-choice))',
    },
  }),
  runtimeSetting({
    name: 'modelAliases',
    env: 'MODEL_ALIASES',
    kind: aliasTable(DEFAULT_MODEL_ALIASES),
    default: '',
    label: { zh: '模型别名（每行一个 别名=模型）', en: 'Model aliases (one alias=model a line)' },
    help: {
      zh: '客户端发来的模型名 → SiliconFlow 模型，`别名=模型`，逗号或换行分隔，留空为内置表（`gpt-3.5-turbo`、`gpt-4o`、`text-embedding-3-small` 等），`none` 为不用别名；只改写请求体的 `model` 字段（见[模型别名](#模型别名)）',
      en: "Model names clients send → SiliconFlow models, `alias=model`, comma- or newline-separated, empty for the built-in table (`gpt-3.5-turbo`, `gpt-4o`, `text-embedding-3-small`, …), `none` for no aliases; only the body's `model` field is rewritten (see [Model aliases](#model-aliases))",
    },
  }),
  runtimeSetting({
    name: 'minBalance',
    env: 'MIN_BALANCE',
    kind: yuanAmount(),
    default: '0',
    label: { zh: '低余额线（元）', en: 'Low balance line (yuan)' },
    help: {
      zh: '账本估算总余额不高于此值（元，小数）的密钥排到付费模型的最后再试，但不会因此被判为 `exhausted`（只有真实的 30001 才会）；`Pro/` 模型同样先用充值余额高于此值的密钥',
      en: 'Keys the ledger estimates at this total or less (yuan, a decimal) are tried last for paid models, but never declared `exhausted` for it (only a real 30001 does that); `Pro/` models likewise try keys with more paid credit than this first',
    },
  }),
  runtimeSetting({
    name: 'paidRecheckMinutes',
    env: 'PAID_RECHECK_MINUTES',
    kind: int(1, 10_080),
    default: '60',
    label: { zh: '30011 复查间隔（分钟）', en: 'Paid-credit recheck after 30011 (minutes)' },
    help: {
      zh: '回答过 30011（没有充值余额）的密钥多少分钟后再试 `Pro/` 模型（1–10080）；管理员记录充值或设定含充值余额的余额时立即恢复',
      en: 'Minutes after a 30011 (no paid credit) before a key tries `Pro/` models again (1–10080); at once when the admin records a top-up or sets a balance with paid credit',
    },
  }),
  envSetting({
    name: 'maxBodyBytes',
    env: 'MAX_BODY_BYTES',
    group: 'proxy',
    kind: int(1024, 1024 * 1024 * 1024),
    default: '52428800',
    help: {
      zh: '`/v1` 请求体上限，字节（1024–1073741824，默认 50 MB）；超过 → 413，不联系上游',
      en: 'Largest `/v1` request body, in bytes (1024–1073741824, default 50 MB); larger → 413 without contacting upstream',
    },
  }),
  runtimeSetting({
    name: 'connectTimeoutMs',
    env: 'CONNECT_TIMEOUT_MS',
    kind: int(100, 600_000),
    default: '10000',
    label: { zh: '连接超时（毫秒）', en: 'Connect timeout (ms)' },
    help: { zh: '连接 SiliconFlow 的超时，毫秒（100–600000）', en: 'Time to connect to SiliconFlow, in ms (100–600000)' },
  }),
  runtimeSetting({
    name: 'firstByteTimeoutMs',
    env: 'FIRST_BYTE_TIMEOUT_MS',
    kind: int(100, 3_600_000),
    default: '120000',
    label: { zh: '首字节超时（毫秒）', en: 'First-byte timeout (ms)' },
    help: {
      zh: '等待 SiliconFlow 响应头的超时，毫秒（100–3600000）',
      en: "Time until SiliconFlow's response headers, in ms (100–3600000)",
    },
  }),
  runtimeSetting({
    name: 'idleTimeoutMs',
    env: 'IDLE_TIMEOUT_MS',
    kind: int(100, 3_600_000),
    default: '120000',
    label: { zh: '空闲超时（毫秒）', en: 'Idle timeout (ms)' },
    help: {
      zh: '响应体两块数据之间的最长间隔，毫秒（100–3600000）',
      en: 'Longest gap between two chunks of a response body, in ms (100–3600000)',
    },
  }),
  envSetting({
    name: 'maxKeyTries',
    env: 'MAX_KEY_TRIES',
    group: 'proxy',
    kind: int(1, 1000),
    default: '10',
    help: {
      zh: '一个请求最多试几个有问题的密钥（失效、没钱、30011、429）（1–1000）',
      en: 'Keys one request may try when keys turn out dead (invalid, exhausted, 30011, 429) (1–1000)',
    },
  }),
  envSetting({
    name: 'maxAttempts',
    env: 'MAX_ATTEMPTS',
    group: 'proxy',
    kind: int(1, 20),
    default: '3',
    help: {
      zh: 'SiliconFlow 自身故障（5xx、重置、超时）时一个请求最多调用几次（1–20）',
      en: 'Calls one request may make when SiliconFlow itself is in trouble (5xx, reset, timeout) (1–20)',
    },
  }),
  envSetting({
    name: 'cooldownMs',
    env: 'COOLDOWN_SECONDS',
    group: 'proxy',
    kind: seconds(1, 86_400),
    default: '60',
    help: {
      zh: '429 的消息没写明限制（RPM、RPD……）又没有 `Retry-After` 时，密钥的账户对该模型冷却的秒数；多数账户对同一模型同时 429 时整个池也暂停这么久（1–86400）',
      en: "How long a 429 cools the key's account for that model when its message names no limit (RPM, RPD…) and SiliconFlow sends no `Retry-After`; also how long the whole pool backs off when most accounts got 429 for one model at once (1–86400)",
    },
  }),
  envSetting({
    name: 'poolBackoffMs',
    env: 'POOL_BACKOFF_SECONDS',
    group: 'proxy',
    kind: seconds(1, 86_400),
    default: '120',
    help: {
      zh: 'SiliconFlow 回答 50603（IP 级“系统繁忙”）后整个池暂停的秒数（1–86400）',
      en: 'How long the whole pool backs off after SiliconFlow\'s IP-level "system busy" (code 50603) (1–86400)',
    },
  }),
  envSetting({
    name: 'errorAfterFailures',
    env: 'ERROR_AFTER_FAILURES',
    group: 'proxy',
    kind: int(1, 1000),
    default: '3',
    help: {
      zh: '连续多少次上游故障后密钥显示为 `error`（仍继续服务；一次成功即清零）（1–1000）',
      en: 'Upstream failures in a row after which a key is shown as `error` (it keeps serving; a success resets the count) (1–1000)',
    },
  }),
  envSetting({
    name: 'logRetentionDays',
    env: 'LOG_RETENTION_DAYS',
    group: 'proxy',
    kind: int(1, 3650),
    default: '30',
    help: { zh: '请求日志保留天数（1–3650）', en: 'Days of request logs to keep (1–3650)' },
  }),
  // --- Streams (issue 13): an SSE answer is held until its first event, and kept alive while it is silent ---
  envSetting({
    name: 'firstEventHoldMs',
    env: 'FIRST_EVENT_HOLD_MS',
    group: 'proxy',
    kind: int(0, 600_000),
    default: '5000',
    help: {
      zh: 'SSE 回答最多等多少毫秒的第一个事件再发出响应头：第一个事件是错误或流在此之前结束时换密钥重试，客户端看不到（0–600000，0 = 不等）',
      en: 'How long an SSE answer is held, in ms, waiting for its first event before the headers go out: a first event that is an error, or a stream closing before one, fails over to another key unseen by the client (0–600000, 0 = off)',
    },
  }),
  envSetting({
    name: 'heartbeatMs',
    env: 'HEARTBEAT_MS',
    group: 'proxy',
    kind: int(0, 600_000),
    default: '15000',
    help: {
      zh: 'SSE 流每静默这么多毫秒，代理在两个事件之间发一条注释 `: keep-alive`，让 nginx 等不会超时（0–600000，0 = 不发）',
      en: 'Each silence of this many ms in an SSE stream gets a comment `: keep-alive` between two events, so nginx and clients do not time out (0–600000, 0 = off)',
    },
  }),
] as const;
