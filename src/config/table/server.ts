import { int, oneOf, text } from '../kinds.js';
import { trustProxy } from '../parsers.js';
import { envSetting } from '../setting.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Where the server listens, what it trusts and logs, and how it stops. */
export const serverSettings = [
  envSetting({
    name: 'port',
    env: 'PORT',
    group: 'main',
    kind: int(0, 65535),
    default: '3000',
    help: { zh: '监听端口（0–65535）', en: 'Port to listen on (0–65535)' },
  }),
  envSetting({
    name: 'host',
    env: 'HOST',
    group: 'main',
    kind: text(),
    default: '0.0.0.0',
    help: { zh: '监听地址', en: 'Address to listen on' },
  }),
  envSetting({
    name: 'trustProxy',
    env: 'TRUST_PROXY',
    group: 'main',
    kind: trustProxy(),
    default: 'false',
    help: {
      zh: '信任哪些反向代理的 `X-Forwarded-For` / `X-Forwarded-Proto`（见[反向代理](#反向代理)）：`false`（忽略这些头）、代理的地址或网段（`127.0.0.1`、`10.0.0.0/8`，以及 `loopback`、`linklocal`、`uniquelocal`，逗号分隔）、`true` 或跳数。其他值阻止启动',
      en: "Which reverse proxies to trust for `X-Forwarded-For` / `X-Forwarded-Proto` (see [Behind a reverse proxy](#behind-a-reverse-proxy)): `false` (the headers are ignored), the proxies' addresses or ranges (`127.0.0.1`, `10.0.0.0/8`, and the names `loopback`, `linklocal`, `uniquelocal`, comma-separated), `true`, or a hop count. Anything else stops start-up",
    },
  }),
  envSetting({
    name: 'logLevel',
    env: 'LOG_LEVEL',
    group: 'main',
    kind: oneOf(LOG_LEVELS),
    default: 'info',
    help: {
      zh: '`fatal`、`error`、`warn`、`info`、`debug`、`trace`、`silent`',
      en: '`fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`',
    },
  }),
  envSetting({
    name: 'shutdownTimeoutMs',
    env: 'SHUTDOWN_TIMEOUT_MS',
    group: 'main',
    kind: int(0, 600_000),
    default: '10000',
    help: {
      zh: '收到 SIGTERM 或 Ctrl+C 后，进行中的请求最多还能运行多少毫秒（0–600000）。到时仍未结束的流式回答以一条错误事件结束，仍在等待 SiliconFlow 响应的请求收到 503（不会换密钥重试），随后写完密钥状态和请求日志、关闭数据库并退出。再按一次 Ctrl+C 立即退出。请让它小于服务管理器的停止超时（systemd 的 `TimeoutStopSec`、`docker stop -t`）',
      en: "After SIGTERM or Ctrl+C, how long requests in flight may still run, in ms (0–600000). Then streams still open end with an error event, requests still waiting for SiliconFlow's answer get a 503 (no other key is tried), the key states and request logs are written, the database is closed and the server exits. A second Ctrl+C exits at once. Keep it below the service manager's stop timeout (systemd `TimeoutStopSec`, `docker stop -t`)",
    },
  }),
] as const;
