/**
 * npx tsx scripts/settings-docs.ts [zh|en] — prints the configuration table of README.md (zh, the
 * default) or README.en.md (en) from the settings table (src/config/table/), so the README lists
 * every variable with the declared default, its runtime name and its help text.
 */
import { SETTINGS } from '../src/config/table/index.js';

const HEADINGS = {
  zh: { columns: ['变量', '默认值', '运行时设置', '说明'], empty: '空' },
  en: { columns: ['Variable', 'Default', 'Runtime setting', 'Meaning'], empty: 'empty' },
} as const;

const lang = process.argv[2] === 'en' ? 'en' : 'zh';
const { columns, empty } = HEADINGS[lang];
const code = (text: string) => `\`${text}\``;

/** A Markdown row; an empty cell is one space, as the README writes it. */
const row = (cells: readonly string[]) => `|${cells.map((c) => (c ? ` ${c} ` : ' ')).join('|')}|`;

const rows = SETTINGS.map((s) =>
  row([
    code(s.env),
    s.default === '' ? empty : code(s.default),
    s.group === 'runtime' ? code(s.name) : '',
    s.help[lang].replaceAll('|', '\\|'),
  ]),
);
console.log([row(columns), `|${columns.map(() => '---').join('|')}|`, ...rows].join('\n'));
