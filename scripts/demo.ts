/**
 * npm run demo — try everything offline: starts the local fake SiliconFlow with demo keys in every
 * state, seeds them into the demo's own database (data/demo) with the balances an admin would write
 * down, checks them, starts the app pointed at the fake, and sends it a few requests a second
 * (demo-traffic.ts; DEMO_TRAFFIC=0 turns that off) with a client key of its own. Two more client keys
 * (demo-clients.ts) are printed for the newcomer to try. Sign in at /admin with admin / admin.
 * A local alert inbox (demo-inbox.ts) takes the alerts of a webhook channel pointed at it; the banner
 * says how to make the pool run dry and how to end it (issue 14, "Done when").
 *
 * Self-contained and repeatable: it reads neither .env nor DATA_DIR (that is where the real data
 * lives), and data/demo is emptied at every start, so admin / admin always works and the banner's
 * counts describe this run — not a password or key states left from an earlier one.
 */
import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../src/config/env.js';
import { createContext, type AppContext } from '../src/context.js';
import { demoEntries, demoKeys } from '../tests/support/fake-siliconflow/demo-keys.js';
import { startFakeSiliconFlow } from '../tests/support/fake-siliconflow/index.js';
import { projectRoot } from '../src/paths.js';
import { runServer } from '../src/server-runtime.js';
import { demoClientBanner, seedDemoClients } from './demo-clients.js';
import { DEMO_ALERT_CHECK_SECONDS, quickAlertRules } from './demo-alerts.js';
import { startDemoInbox } from './demo-inbox.js';
import { checkEveryKey, seedPool } from './demo-pool.js';
import { startDemoTraffic, trafficRate, type DemoTraffic } from './demo-traffic.js';

const DEMO_DATA_DIR = join(projectRoot, 'data', 'demo');

async function main() {
  const rate = trafficRate(process.env.DEMO_TRAFFIC);
  if (typeof rate === 'string') {
    console.error(rate);
    process.exit(1);
  }
  rmSync(DEMO_DATA_DIR, { recursive: true, force: true });
  const keys = demoKeys();
  // user/info answers 410, as SiliconFlow's has since 2026: every balance is the ledger's. Requests
  // are not recorded, so the fake's memory stays flat however long the traffic runs. Answers fill
  // max_tokens, so the demo's ¥0.50 budget is spent in a few requests (demo-clients.ts).
  const fake = await startFakeSiliconFlow({
    port: Number(process.env.FAKE_PORT ?? 0),
    keys,
    userInfoMode: 'gone',
    record: false,
    fillMaxTokens: true,
  });
  const ctx = demoContext(fake.url);
  quickAlertRules(ctx.alertRules);
  seedPool(ctx, demoEntries());
  const clientKeys = seedDemoClients(ctx.clients);
  const byStatus = await checkEveryKey(ctx);
  const inbox = await startDemoInbox({ port: Number(process.env.DEMO_INBOX_PORT ?? 0), host: '127.0.0.1' });
  let traffic: DemoTraffic | undefined;
  const server = runServer(ctx.serverDeps, {
    extraBanner: [
      '',
      `  Demo: fake SiliconFlow at ${fake.url} with ${Object.keys(keys).length} keys (${byStatus}).`,
      '  Demo: every run starts fresh in data/demo (DATA_DIR and .env are not used): sign in at /admin with admin / admin.',
      '  演示：每次启动都使用全新的演示数据库 data/demo（不使用 DATA_DIR 和 .env），用 admin / admin 登录管理后台。',
      ...trafficBanner(rate),
      ...alertsBanner(inbox.url, inbox.hookUrl, fake.url),
    ],
    onStop: async () => {
      await traffic?.stop();
      await inbox.close();
      await fake.close();
    },
  });
  // After the server's banner (its listener came first), with the address it really listens on.
  server.once('listening', () => console.log(demoClientBanner(clientKeys, dialableUrl(server)).join('\n')));
  if (rate === 0) return;
  server.once('listening', () => {
    traffic = startDemoTraffic(dialableUrl(server), clientKeys.traffic, rate);
    // Before the server's own shutdown gets far: no new request meets a closing server.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void traffic?.stop());
  });
}

function demoContext(fakeUrl: string): AppContext {
  return createContext(
    loadConfig({
      PORT: process.env.PORT ?? '3000',
      HOST: process.env.HOST ?? '127.0.0.1',
      DATA_DIR: DEMO_DATA_DIR,
      ADMIN_PASSWORD: 'admin',
      SILICONFLOW_BASE_URL: fakeUrl,
      CHECK_INTERVAL_MS: '20',
      ALERT_CHECK_SECONDS: DEMO_ALERT_CHECK_SECONDS,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    }),
  );
}

function trafficBanner(rate: number): string[] {
  const balances = [
    "  Demo: balances come from the import text and the admin: the fake's user/info answers 410, as SiliconFlow's does.",
    '  演示：余额来自导入文本和管理员的设定：假上游的 user/info 和真实的一样返回 410。',
  ];
  if (rate === 0) {
    return [
      ...balances,
      '  Demo: the built-in client is off (DEMO_TRAFFIC=0): send your own requests to /v1 with the access key below.',
      '  演示：内置客户端已关闭（DEMO_TRAFFIC=0）：请用下面的访问密钥自己向 /v1 发请求。',
    ];
  }
  return [
    ...balances,
    `  Demo: a built-in client sends ${rate} requests/s through /v1 with its own client key (chat, streaming, embeddings, Pro/, an unpriced model):`,
    '        spend, the ≈ estimated balances and the runway move, and a nearly dry key runs out (30001 → exhausted).',
    '        DEMO_TRAFFIC=0 turns it off; DEMO_TRAFFIC=10 sends 10 a second.',
    `  演示：内置客户端用自己的客户端密钥每秒经 /v1 发送 ${rate} 个请求（对话、流式、嵌入、Pro/、未定价模型）：`,
    '        花费、≈ 估算余额和可用时长随之变化，一个快用完的密钥会用完（30001 → exhausted）。',
    '        DEMO_TRAFFIC=0 关闭；DEMO_TRAFFIC=10 每秒发送 10 个。',
  ];
}

/** How to see the alerts arrive, make the pool run dry, and end it again (issue 14, "Done when"). */
function alertsBanner(inboxUrl: string, hookUrl: string, fakeUrl: string): string[] {
  return [
    '',
    `  Demo alerts: a local alert inbox takes webhooks at ${hookUrl} (what arrived: ${inboxUrl}/ and one line each here).`,
    `    1. /admin → Alerts → Add channel: type "Generic webhook (JSON)", URL ${hookUrl}; press "Send a test".`,
    '    2. Make the pool run dry (the built-in client meets it; the alerts arrive within a minute or so):',
    `         curl -X POST ${fakeUrl}/_fake/drain                    every key loses its money: paid calls answer 30001`,
    `         curl -X POST ${fakeUrl}/_fake/revoke -d '{"count":2}'  two more keys turn invalid: 401`,
    `    3. End it: curl -X POST ${fakeUrl}/_fake/refill (the money is back at "SiliconFlow"); then in /admin → Keys open a`,
    "       drained key's money dialog and set its balance (gift and paid: both runways ran dry) — runway-low resolves;",
    '       switch off the invalid keys — keys-invalid resolves (in the demo it also ends by itself a minute after the last',
    '       key turned invalid). One "resolved" message each, once the problem has stayed gone for 10 s.',
    `  演示告警：本地告警收件箱在 ${hookUrl} 接收 Webhook（收到的内容见 ${inboxUrl}/，这里每条也打印一行）。`,
    `    1. 管理后台 → 告警 → 添加渠道：类型“通用 Webhook（JSON）”，地址 ${hookUrl}；点“发送测试”。`,
    '    2. 让池子“干涸”（内置客户端的请求会碰到它；一分钟左右告警就到）：',
    `         curl -X POST ${fakeUrl}/_fake/drain                    所有密钥的钱被清空：付费调用返回 30001`,
    `         curl -X POST ${fakeUrl}/_fake/revoke -d '{"count":2}'  再有两个密钥失效：401`,
    `    3. 恢复：curl -X POST ${fakeUrl}/_fake/refill（“SiliconFlow”上的钱回来了）；然后在管理后台 → 密钥，打开一个被清空的密钥的`,
    '       余额对话框，设置余额（赠送和充值都要：两种余额的可用时长都见底了）——“余额快用完”恢复；停用失效的密钥——“密钥失效”',
    '       恢复（演示中最后一个密钥失效一分钟后它也会自己结束）。问题消失并持续 10 秒后，每个告警发一条“已恢复”。',
  ];
}

/** Where this process reaches its own server: a wildcard address is dialled on loopback. */
function dialableUrl(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '[::1]' : address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
}

void main();
