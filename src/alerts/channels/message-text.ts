import type { AlertMessage, Severity } from '../alert-types.js';

type Lang = 'zh' | 'en';

/** Our users read Chinese first: every format shows the Chinese text, then the English under it. */
export const LANGS: readonly Lang[] = ['zh', 'en'];

const STATE_WORDS: Record<AlertMessage['state'], Record<Lang, string>> = {
  firing: { zh: '告警', en: 'FIRING' },
  resolved: { zh: '已恢复', en: 'RESOLVED' },
  test: { zh: '测试', en: 'TEST' },
};
const SEVERITY_WORDS: Record<Severity, Record<Lang, string>> = {
  info: { zh: '提示', en: 'info' },
  warning: { zh: '警告', en: 'warning' },
  critical: { zh: '严重', en: 'critical' },
};
const LINK_WORDS: Record<Lang, string> = { zh: '打开管理页', en: 'Open the admin page' };

/** "[告警·严重] 可用密钥不足" / "[FIRING · critical] Few usable keys". */
export function heading(m: AlertMessage, lang: Lang): string {
  const state = STATE_WORDS[m.state][lang];
  const severity = SEVERITY_WORDS[m.severity][lang];
  return lang === 'zh' ? `[${state}·${severity}] ${m.title.zh}` : `[${state} · ${severity}] ${m.title.en}`;
}

export const linkWords = (lang: Lang) => LINK_WORDS[lang];

/** Plain text for the formats without markup: each language's heading and text, the link once at the end. */
export function plainText(m: AlertMessage, options: { headings: boolean }): string {
  const parts = LANGS.map((lang) => (options.headings ? `${heading(m, lang)}\n${m.text[lang]}` : m.text[lang]));
  return `${parts.join('\n\n')}\n\n${m.link}`;
}

/** Markdown (WeCom's and DingTalk's subset): bold headings, the text, a link in each language. */
export function markdownText(m: AlertMessage, lineBreak: string): string {
  return LANGS.map((lang) =>
    [`**${heading(m, lang)}**`, ...m.text[lang].split('\n'), `[${LINK_WORDS[lang]}](${m.link})`].join(lineBreak),
  ).join(`${lineBreak}${lineBreak}`);
}
