/** Page texts: Chinese by default, English on request (remembered in the `lang` cookie). */
const zh = {
  title: 'SiliconFlow API 管理',
  switchLanguage: 'English',
  poolStatus: '密钥池状态',
  keysTotal: '密钥总数',
  usable: '可用',
  balance: '余额',
  gift: '赠送',
  paid: '充值',
  unknown: '未知',
  unknownBalances: '个密钥余额未知',
  requests24h: '24 小时请求',
  successRate: '成功率',
  howToUse: '使用方法',
  baseUrl: '接口地址（Base URL）',
  apiKey: 'API 密钥',
  accessKeyHidden: '<访问密钥>（向管理员索取）',
  copy: '复制',
  copied: '已复制',
  streaming: '流式输出',
  keys: '密钥列表',
  key: '密钥',
  status: '状态',
  lastChecked: '最近检测',
  never: '从未',
  noKeys: '还没有密钥。',
  previous: '上一页',
  next: '下一页',
  page: '第 {page} / {pages} 页',
  guestTitle: '请输入访问密码',
  guestPassword: '访问密码',
  enter: '进入',
  wrongGuestPassword: '密码错误。',
  tooManyAttempts: '尝试次数过多，请 15 分钟后再试。',
  admin: '管理后台',
  'status.active': '可用',
  'status.exhausted': '余额耗尽',
  'status.invalid': '无效',
  'status.cooling': '冷却中',
  'status.error': '检测失败',
  'status.disabled': '已停用',
};

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  title: 'SiliconFlow API Management',
  switchLanguage: '中文',
  poolStatus: 'Pool status',
  keysTotal: 'Keys',
  usable: 'Usable',
  balance: 'Balance',
  gift: 'gift',
  paid: 'paid',
  unknown: 'unknown',
  unknownBalances: 'keys with unknown balance',
  requests24h: 'Requests, 24 h',
  successRate: 'success rate',
  howToUse: 'How to use',
  baseUrl: 'Base URL',
  apiKey: 'API key',
  accessKeyHidden: '<access key> (ask the admin)',
  copy: 'Copy',
  copied: 'Copied',
  streaming: 'Streaming',
  keys: 'Keys',
  key: 'Key',
  status: 'Status',
  lastChecked: 'Last checked',
  never: 'never',
  noKeys: 'No keys yet.',
  previous: 'Previous',
  next: 'Next',
  page: 'Page {page} of {pages}',
  guestTitle: 'Enter the access password',
  guestPassword: 'Access password',
  enter: 'Enter',
  wrongGuestPassword: 'Wrong password.',
  tooManyAttempts: 'Too many attempts; try again in 15 minutes.',
  admin: 'Admin',
  'status.active': 'active',
  'status.exhausted': 'exhausted',
  'status.invalid': 'invalid',
  'status.cooling': 'cooling',
  'status.error': 'check failed',
  'status.disabled': 'disabled',
};

export type Language = 'zh' | 'en';
const MESSAGES: Record<Language, Record<MessageKey, string>> = { zh, en };

export function languageOf(cookieHeader: string | undefined): Language {
  return /(?:^|;\s*)lang=en(?:;|$)/.test(cookieHeader ?? '') ? 'en' : 'zh';
}

/** `t('page', {page: 1, pages: 3})` */
export function translator(lang: Language) {
  return (key: MessageKey, params: Record<string, string | number> = {}) =>
    MESSAGES[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}
