import { z } from 'zod';
import { int, optionalText } from '../kinds.js';
import { envSetting, runtimeSetting } from '../setting.js';

/** The address admins reach the server at: an http(s) origin, nothing after it but an optional "/". */
const publicUrl = z
  .string()
  .refine(isOrigin, { message: 'must be an http(s) address such as https://pool.example.com, without a path or query' });

function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    return (url.protocol === 'http:' || url.protocol === 'https:') && bare && !/[?#]/.test(text);
  } catch {
    return false;
  }
}

/** Issue 14, alert engine: how often the alert rules are evaluated, and where their links point. */
export const alertSettings = [
  runtimeSetting({
    name: 'alertCheckSeconds',
    env: 'ALERT_CHECK_SECONDS',
    kind: int(1, 3600),
    default: '15',
    label: { zh: '告警检查间隔（秒）', en: 'Alert check every (seconds)' },
    help: {
      zh: '每隔多少秒评估一次告警规则（1–3600）；余额可用时长最多每分钟读一次（每 1 万个密钥再慢一分钟）',
      en: 'How often the alert rules are evaluated, in seconds (1–3600); the runway is read at most once a minute (a minute more per 10,000 keys)',
    },
  }),
  envSetting({
    name: 'publicUrl',
    env: 'PUBLIC_URL',
    group: 'main',
    kind: optionalText(publicUrl),
    default: '',
    help: {
      zh: '管理员访问本服务的地址（如 `https://pool.example.com`），告警消息中的链接以它开头；留空则为 `http://<HOST 或 localhost>:<PORT>`',
      en: 'The address admins reach this server at (such as `https://pool.example.com`): the links in alert messages start with it. Empty: `http://<HOST or localhost>:<PORT>`',
    },
  }),
] as const;
