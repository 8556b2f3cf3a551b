/**
 * The demo's client keys (issue 12, "Done when"): made through the same service as the admin's
 * Clients tab, and printed once in the demo's own banner (like the demo's access key) so a newcomer
 * can try them at once. Free models cost ¥0 in the price table, so a free-only key never spends its
 * budget: the demo says so, and gives a second key with the same ¥0.50 a day on a cheap paid model,
 * which a few long answers spend (the fake writes max_tokens in full: fillMaxTokens).
 */
import type { ClientService } from '../src/clients/client-service.js';
import { unlimitedClient, type ClientSettings } from '../src/clients/client-types.js';
import { parseYuan } from '../src/ledger/money.js';

export const DEMO_BUDGET_MODEL = 'deepseek-ai/DeepSeek-V3';
const DAY_BUDGET = parseYuan('0.50')!;

export type DemoClients = { free: string; budget: string; traffic: string };

const settings = ({ name, ...over }: Partial<ClientSettings> & Pick<ClientSettings, 'name'>): ClientSettings => unlimitedClient(name, over);

/** Three keys: free models only at ¥0.50 a day, ¥0.50 a day on DEMO_BUDGET_MODEL, and the built-in client's own. */
export function seedDemoClients(clients: Pick<ClientService, 'create'>): DemoClients {
  const create = (s: Parameters<typeof settings>[0]) => clients.create(settings(s)).key;
  return {
    free: create({
      name: 'demo: free models, ¥0.50/day',
      note: 'made by npm run demo',
      freeOnly: true,
      budgets: { day: DAY_BUDGET, month: null, total: null },
    }),
    budget: create({
      name: 'demo: ¥0.50/day on DeepSeek-V3',
      note: 'made by npm run demo: a few long answers spend it',
      models: [DEMO_BUDGET_MODEL],
      budgets: { day: DAY_BUDGET, month: null, total: null },
      rpm: 60,
    }),
    traffic: create({
      name: 'demo: built-in client',
      // No budget: it also sends a model without a price now and then, which a budgeted key may not use.
      note: 'DEMO_TRAFFIC: the requests the demo sends itself',
    }),
  };
}

/** What the banner says about them, in both languages. */
export function demoClientBanner(keys: DemoClients, baseUrl: string): string[] {
  return [
    '',
    '  Demo client keys (shown only here; the admin sees them masked in /admin → Clients, with their spend):',
    `    free models only, ¥0.50 a day:   ${keys.free}`,
    `    ¥0.50 a day on ${DEMO_BUDGET_MODEL}: ${keys.budget}`,
    '  Free models cost ¥0, so the first key never spends its budget. The second does: the fake writes max_tokens in full,',
    '  so with max_tokens=16000 each answer costs about ¥0.13 and the fifth is refused (429, code 42901, "daily budget").',
    '  With the OpenAI SDK (Python):',
    `    client = OpenAI(base_url="${baseUrl}/v1", api_key="${keys.budget}")`,
    `    client.chat.completions.create(model="${DEMO_BUDGET_MODEL}", max_tokens=16000, messages=[{"role": "user", "content": "hi"}])`,
    '  Paste a key into "look up my client key" on the user page to see its spend and what is left.',
    '  演示客户端密钥（只在这里显示；管理员在 /admin → 客户端 看到遮盖后的密钥和花费）：第一个只能用免费模型，每天 ¥0.50；',
    `  第二个每天 ¥0.50，只能用 ${DEMO_BUDGET_MODEL}。免费模型价格为 ¥0，所以第一个永远花不完预算；第二个可以：假上游按 max_tokens`,
    '  写满回答，max_tokens=16000 时每个回答约 ¥0.13，第五个请求被拒绝（429，代码 42901，“每日预算”）。把密钥粘贴到用户页面的',
    '  “查询我的客户端密钥”即可看到花费和剩余预算。',
  ];
}
