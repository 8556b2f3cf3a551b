import { limitTable } from '../limit-lines.js';
import { runtimeSetting } from '../setting.js';

/**
 * Local budgets per SiliconFlow account and model (issue 13): the pool spreads requests so that no
 * account goes over what the admin says it may do, and so rarely meets SiliconFlow's own 429.
 */
export const accountLimitSettings = [
  runtimeSetting({
    name: 'accountLimits',
    env: 'ACCOUNT_LIMITS',
    kind: limitTable(),
    default: '',
    label: {
      zh: '账户本地限额（每行一条：账户 模型 rpm=N tpm=N rpd=N）',
      en: 'Local account budgets (one a line: account model rpm=N tpm=N rpd=N)',
    },
    help: {
      zh: '每个 SiliconFlow 账户、每个模型的本地限额，每行 `<账户|*> <模型|前缀/*|*> rpm=N tpm=N rpd=N`（任选），或 `<账户|*> level=L0`（文档写明的最低档：对话模型每分钟 1000 次请求和 50000 tokens，嵌入模型每分钟 2000 次请求）；最具体的一行生效，RPD 按北京时间的天计算。换行或逗号分隔，留空或 `none` 为不限（见[本地限额](#本地限额)）',
      en: 'Local budgets per SiliconFlow account and model, one a line: `<account|*> <model|prefix/*|*> rpm=N tpm=N rpd=N` (any of them), or `<account|*> level=L0` (the documented minimum: 1000 requests and 50000 tokens a minute for chat models, 2000 requests a minute for embeddings); the most specific line wins, RPD counts China days. Newline- or comma-separated; empty or `none` is off (see [Local budgets](#local-budgets))',
    },
  }),
] as const;
