import type { CheckFailedParams } from '../alert-rules.js';
import { bi, type Detector } from './detector.js';

const PERIOD = { day: bi('日', 'daily'), month: bi('月', 'monthly'), total: bi('总', 'total') } as const;

/** check-failed: the last run over 3 keys or more could not check at least `share` of them. */
export const checkFailed: Detector = ({ checkRun }, rule) => {
  const { share } = rule.params as CheckFailedParams;
  if (!checkRun || checkRun.failed / checkRun.checked < share) return [];
  const { checked, failed } = checkRun;
  const percent = Math.round((failed / checked) * 100);
  return [
    {
      subject: '',
      severity: rule.severity,
      title: bi(`余额检测：${failed}/${checked} 个密钥无法检测`, `Balance check: ${failed} of ${checked} keys could not be checked`),
      text: bi(
        `最近一次检测（${checkRun.kind}）有 ${failed} 个密钥（${percent}%）因网络错误或 SiliconFlow 的 5xx 无法检测（阈值 ${Math.round(share * 100)}%）。`,
        `The last check run (${checkRun.kind}) could not check ${failed} keys (${percent}%): network errors or SiliconFlow's 5xx (threshold ${Math.round(share * 100)}%).`,
      ),
      data: { kind: checkRun.kind, checked, failed, share },
    },
  ];
};

/** client-budget: a client key reached a budget (the gate's own test); subject = the client's id. */
export const clientBudget: Detector = ({ overBudget }, rule) =>
  overBudget.map((c) => {
    const p = PERIOD[c.period as keyof typeof PERIOD];
    return {
      subject: String(c.id),
      severity: rule.severity,
      title: bi(`客户端密钥「${c.name}」用完了${p.zh}预算`, `Client key "${c.name}" reached its ${p.en} budget`),
      text: bi(
        `「${c.name}」已花费 ¥${c.spent}，${p.zh}预算 ¥${c.limit}；在预算重置或调整之前，它的请求被拒绝。`,
        `"${c.name}" spent ¥${c.spent} of its ${p.en} budget of ¥${c.limit}; its requests are refused until the budget resets or is raised.`,
      ),
      data: { clientId: c.id, name: c.name, period: c.period, limit: c.limit, spent: c.spent },
    };
  });

/** default-password: the admin still signs in with the default password. */
export const defaultPassword: Detector = ({ defaultPassword: on }, rule) =>
  on
    ? [
        {
          subject: '',
          severity: rule.severity,
          title: bi('管理员仍在使用默认密码', 'The admin still uses the default password'),
          text: bi(
            '管理员账户的密码仍是默认值：任何人都能登录管理页面。请立即登录并修改密码。',
            'The admin account still has the default password: anyone can sign in to the admin page. Sign in and change it now.',
          ),
          data: { defaultPassword: true },
        },
      ]
    : [];
