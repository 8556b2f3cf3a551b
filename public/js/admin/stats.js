import { api } from './api.js';
import { $, el, money, t } from './dom.js';

export async function loadStats() {
  const stats = await api('GET', '/stats');
  const r = stats.requests.last24h;
  const cards = [
    [t('keysTotal'), String(stats.keys.total), `${t('usable')} ${stats.keys.byStatus.active}`],
    [t('balance'), money(stats.balance.total), `${t('gift')} ${money(stats.balance.gift)} · ${t('paid')} ${money(stats.balance.charge)}${stats.balance.unknownBalanceKeys ? ` · ${stats.balance.unknownBalanceKeys} ${t('unknownBalances')}` : ''}`],
    [t('requests24h'), String(r.requests), `${t('successRate')} ${r.successRate === null ? '—' : (r.successRate * 100).toFixed(1) + '%'}`],
  ];
  $('#stats').replaceChildren(
    ...cards.map(([label, value, detail]) => el('div', {}, el('span', { class: 'label', text: label }), el('strong', { text: value }), el('small', { text: detail }))),
  );
}
