// @ts-check
// The prices tab: the shipped table's date and source, the prices in force (the admin's over the
// shipped ones, docs/ledger.md), editing and adding a model, resetting to the shipped price, and the
// table exported and imported as JSON. Prices stay the decimal strings the server and the admin write.
import { RequestError } from '../request-error.js';
import { api, download } from './api.js';
import { handle } from './areas.js';
import { $, $$, el, t, when } from './dom.js';

/** @typedef {import('./types.js').PriceList} PriceList @typedef {import('./types.js').PriceEntry} PriceEntry */
/** @typedef {import('./types.js').PriceText} PriceText @typedef {import('./types.js').PriceUnit} PriceUnit */
/** @typedef {import('./types.js').PriceImport} PriceImport */

/** The fields each unit is billed by (the server refuses any other: src/ledger/price-service.ts). */
/** @type {Record<PriceUnit, ('input' | 'output' | 'price')[]>} */
const FIELDS_OF_UNIT = {
  'million-tokens': ['input', 'output'],
  'million-utf8-bytes': ['input'],
  image: ['price'],
  video: ['price'],
};
const FIELD_INPUTS = { input: '#price-input', output: '#price-output', price: '#price-each' };

const area = () => $('#tab-prices');
const form = () => $('#price-form', HTMLFormElement);
/** @type {PriceEntry[]} */
let models = [];

export async function loadPrices() {
  const list = /** @type {PriceList} */ (await api('GET', '/prices'));
  $('#prices-date').textContent = t('prices.shipped', { date: list.date });
  $('#prices-source').textContent = list.source;
  models = list.models;
  paint();
}

/** The models whose name holds the filter's text (the whole table is loaded: a few hundred rows at most). */
function paint() {
  const q = $('#prices-filter', HTMLInputElement).value.trim().toLowerCase();
  const shown = q ? models.filter((m) => m.model.toLowerCase().includes(q)) : models;
  $('#prices-body').replaceChildren(...shown.map(row));
  $('#prices-count').textContent = t('prices.count', { shown: shown.length, total: models.length });
}

/** "input ¥2 · output ¥8", "¥0.1": the figures as written, never through a float. */
/** @param {PriceText} p */
function priceText(p) {
  if (p.unit === 'million-tokens') return t('prices.perMillion', { input: p.input ?? '0', output: p.output ?? '0' });
  return `¥${(p.unit === 'million-utf8-bytes' ? p.input : p.price) ?? '0'}`;
}

/** @param {PriceEntry} entry */
function row(entry) {
  const name = el('td', {}, el('code', { text: entry.model }));
  if (entry.uncertain) name.append(' ', el('span', { class: 'uncertain', text: t('prices.uncertain'), title: t('prices.uncertainTitle') }));
  const price = el('td', {}, el('span', { text: priceText(entry) }));
  if (entry.shipped) price.append(el('small', { class: 'shipped', text: t('prices.shippedWas', { price: priceText(entry.shipped) }) }));
  const source = el('td', { class: `price-source price-${entry.source}`, text: t(`prices.source.${entry.source}`) });
  if (entry.updatedAt) source.title = when(entry.updatedAt);
  const actions = el(
    'td',
    { class: 'row-actions' },
    el('button', { type: 'button', text: t('prices.edit'), onclick: () => openForm(entry) }),
  );
  if (entry.source === 'admin') {
    const reset = el('button', { type: 'button', text: t(entry.shipped ? 'prices.reset' : 'prices.remove') });
    reset.addEventListener(
      'click',
      handle(area(), () => resetPrice(entry)),
    );
    actions.append(reset);
  }
  return el('tr', { 'data-model': entry.model }, name, el('td', { text: t(`unit.${entry.unit}`) }), price, source, actions);
}

/** @param {PriceEntry} entry */
async function resetPrice(entry) {
  $('#prices-result').textContent = '';
  if (!entry.shipped && !confirm(t('prices.confirmRemove', { model: entry.model }))) return;
  await api('DELETE', `/prices/${encodeURIComponent(entry.model)}`);
  await loadPrices();
  $('#prices-result').textContent = t(entry.shipped ? 'prices.resetDone' : 'prices.removed', { model: entry.model });
}

/**
 * The form for a model in the table (its name fixed) or for a new one (none given).
 * @param {PriceEntry} [entry]
 */
function openForm(entry) {
  form().reset();
  const model = $('#price-model', HTMLInputElement);
  model.value = entry?.model ?? '';
  model.readOnly = entry !== undefined;
  $('#price-unit', HTMLSelectElement).value = entry?.unit ?? 'million-tokens';
  for (const [field, id] of Object.entries(FIELD_INPUTS)) $(id, HTMLInputElement).value = entry?.[/** @type {'input'} */ (field)] ?? '';
  $('#price-uncertain', HTMLInputElement).checked = entry?.uncertain === true;
  showFields();
  form().hidden = false;
  form().scrollIntoView({ block: 'nearest' });
  (entry ? $('#price-unit') : model).focus();
}

/** Only the unit's own fields show and are sent; a hidden one is disabled, so its `required` does not block the form. */
function showFields() {
  const unit = /** @type {PriceUnit} */ ($('#price-unit', HTMLSelectElement).value);
  for (const node of $$('#price-form [data-field]')) {
    const used = FIELDS_OF_UNIT[unit].includes(/** @type {'input'} */ (node.dataset.field));
    node.hidden = !used;
    if (node instanceof HTMLInputElement) node.disabled = !used;
  }
}

/** The price as typed: decimal strings for the unit's fields, an empty one left out. */
function typedPrice() {
  const unit = /** @type {PriceUnit} */ ($('#price-unit', HTMLSelectElement).value);
  /** @type {PriceText} */
  const price = { unit };
  for (const field of FIELDS_OF_UNIT[unit]) {
    const value = $(FIELD_INPUTS[field], HTMLInputElement).value.trim();
    if (value) price[field] = value;
  }
  if ($('#price-uncertain', HTMLInputElement).checked) price.uncertain = true;
  return price;
}

/** @param {SubmitEvent} event */
async function save(event) {
  event.preventDefault();
  $('#prices-result').textContent = '';
  const model = $('#price-model', HTMLInputElement).value.trim();
  await api('PUT', `/prices/${encodeURIComponent(model)}`, typedPrice());
  form().hidden = true;
  await loadPrices();
  $('#prices-result').textContent = t('prices.saved', { model });
}

/**
 * A table as exported (or edited by hand): all or nothing, the server's message names the model and
 * the field of a bad entry. Importing replaces the admin's prices, so that is confirmed first.
 * @param {File} file
 */
async function importFile(file) {
  /** @type {unknown} */
  let table;
  try {
    table = JSON.parse(await file.text());
  } catch (err) {
    throw new RequestError(0, 'price-file-not-json', err instanceof Error ? err.message : String(err));
  }
  const adminPrices = models.filter((m) => m.source === 'admin').length;
  if (adminPrices && !confirm(t('prices.confirmImport', { count: adminPrices }))) return;
  const result = /** @type {PriceImport} */ (await api('POST', '/prices/import', table));
  await loadPrices();
  $('#prices-result').textContent = t('prices.imported', result);
}

export function initPrices() {
  /** @type {number | undefined} */
  let typing;
  $('#prices-filter').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(paint, 150);
  });
  $('#price-add').addEventListener('click', () => openForm());
  $('#price-unit').addEventListener('change', showFields);
  $('#price-cancel').addEventListener('click', () => {
    form().hidden = true;
  });
  form().addEventListener('submit', handle(area(), save));
  const exportLink = $('#prices-export', HTMLAnchorElement);
  exportLink.addEventListener(
    'click',
    handle(area(), (/** @type {Event} */ event) => {
      event.preventDefault();
      return download(exportLink.href);
    }),
  );
  const fileInput = $('#prices-import', HTMLInputElement);
  fileInput.addEventListener(
    'change',
    handle(area(), async () => {
      const file = fileInput.files?.[0];
      $('#prices-result').textContent = '';
      // Cleared at once, so choosing the same file again (after fixing it) is a change too.
      fileInput.value = '';
      if (file) await importFile(file);
    }),
  );
}
