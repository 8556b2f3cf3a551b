import { z } from 'zod';
import { HttpError, notFound } from '../http-error.js';
import type { Logger } from '../logger.js';
import { PriceBook } from './price-book.js';
import type { PriceStore } from './price-store.js';
import { priceTableSchema, priceTextSchema, toPrice, type PriceTableText, type PriceText, type PriceUnit } from './price-table.js';
import { SHIPPED_PRICES } from './shipped-prices.js';

export type PriceSource = 'shipped' | 'admin';

/** One model's price in force, as the admin API shows it: yuan as decimal strings. */
export type PriceEntry = {
  model: string;
  unit: PriceUnit;
  input?: string;
  output?: string;
  price?: string;
  uncertain: boolean;
  source: PriceSource;
  /** Admin prices: when they were set (ISO 8601). */
  updatedAt?: string;
  /** An admin price over a shipped one: the shipped figures it replaces. */
  shipped?: PriceText;
};

/** The table in force, with the date and origin of the shipped figures (so the admin sees how old they are). */
export type PriceList = { date: string; source: string; models: PriceEntry[] };

/** What an import did: models in the file, those equal to the shipped price, admin prices stored now and before. */
export type PriceImport = { models: number; sameAsShipped: number; adminPrices: number; replaced: number };

/** The fields each unit is billed by (price-book.ts, costWith); any other is a mistake worth naming. */
const FIELDS_OF_UNIT: Record<PriceUnit, readonly ('input' | 'output' | 'price')[]> = {
  'million-tokens': ['input', 'output'],
  'million-utf8-bytes': ['input'],
  image: ['price'],
  video: ['price'],
};

/** A model name as clients send it in `model`: no spaces or control characters. */
export const modelNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[^\s\p{Cc}]+$/u, 'must not contain spaces or control characters');

/** A price the admin gives: the shipped table's shape, and only the fields its unit is billed by. */
export const adminPriceSchema = priceTextSchema.superRefine((p, ctx) => {
  for (const field of ['input', 'output', 'price'] as const) {
    if (p[field] !== undefined && !FIELDS_OF_UNIT[p.unit].includes(field)) {
      ctx.addIssue({ code: 'custom', path: [field], message: `is not used for the unit ${p.unit}` });
    }
  }
});

const MAX_MODELS = 10_000;
const importSchema = priceTableSchema.extend({
  models: z
    .record(modelNameSchema, adminPriceSchema)
    .refine((m) => Object.keys(m).length <= MAX_MODELS, `must hold at most ${MAX_MODELS} models`),
});

type AdminPrice = { text: PriceText; updatedAt: number };

/**
 * The prices in force: the shipped table (src/siliconflow/prices.json) with the admin's prices on
 * top. It owns the one PriceBook the proxy prices requests with and refills it on every change, so
 * a new price applies to the next request.
 */
export class PriceService {
  readonly book = new PriceBook();
  private admin = new Map<string, AdminPrice>();

  constructor(
    private readonly store: PriceStore,
    private readonly logger: Logger,
    private readonly shipped: Readonly<PriceTableText> = SHIPPED_PRICES,
  ) {
    this.reload();
  }

  list(): PriceList {
    const models = [...this.effective()].map(([model, text]) => this.entryOf(model, text));
    return { date: this.shipped.date, source: this.shipped.source, models };
  }

  /** Adds a model or overrides a shipped price. */
  set(model: string, text: PriceText, now = Date.now()): PriceEntry {
    this.store.put(model, JSON.stringify(adminPriceSchema.parse(text)), now);
    this.reload();
    return this.entryOf(model, this.admin.get(model)!.text);
  }

  /** Drops the admin's price: the shipped one applies again, or none (null) for a model the admin added. */
  reset(model: string): PriceEntry | null {
    if (!this.store.delete(model)) throw notFound('price-not-found', `The admin has set no price for ${model}.`);
    this.reload();
    const shipped = this.shipped.models[model];
    return shipped ? this.entryOf(model, shipped) : null;
  }

  /** The table in force, in the shipped file's format (what importTable reads back). */
  exportTable(): PriceTableText {
    const models = Object.fromEntries([...this.effective()].map(([model, text]) => [model, cleanText(text)]));
    const latest = Math.max(0, ...[...this.admin.values()].map((p) => p.updatedAt));
    const adminDate = latest ? new Date(latest).toISOString().slice(0, 10) : '';
    const { date, source, units } = this.shipped;
    return {
      date: adminDate > date ? adminDate : date,
      source: this.admin.size ? `${source} With ${this.admin.size} prices set by the admin, the latest on ${adminDate}.` : source,
      currency: 'CNY',
      ...(units && { units }),
      models,
    };
  }

  /**
   * Replaces the admin's prices with those of a table (as exportTable writes it) that differ from the
   * shipped ones; a model the table leaves out keeps its shipped price. All or nothing: a bad entry
   * is a 400 naming the model and the field, and nothing is stored.
   */
  importTable(body: unknown, now = Date.now()): PriceImport {
    const parsed = importSchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, 'invalid-price-table', describeIssue(parsed.error.issues[0]!));
    const entries = Object.entries(parsed.data.models);
    const differing = entries.filter(([model, text]) => !samePrice(text, this.shipped.models[model]));
    const replaced = this.admin.size;
    this.store.replaceAll(
      differing.map(([model, text]) => ({ model, json: JSON.stringify(text) })),
      now,
    );
    this.reload();
    return { models: entries.length, sameAsShipped: entries.length - differing.length, adminPrices: differing.length, replaced };
  }

  private reload(): void {
    this.admin = new Map();
    for (const row of this.store.all()) {
      const text = parseStored(row.json);
      if (text) this.admin.set(row.model, { text, updatedAt: row.updatedAt });
      else this.logger.warn({ model: row.model }, 'an admin price in the database is not a valid price: the shipped one applies');
    }
    this.book.replace(this.effective());
  }

  /** Shipped models in the file's order (an admin price in place), then the models only the admin priced. */
  private effective(): Map<string, PriceText> {
    const table = new Map<string, PriceText>(Object.entries(this.shipped.models));
    for (const [model, { text }] of this.admin) table.set(model, text);
    return table;
  }

  private entryOf(model: string, text: PriceText): PriceEntry {
    const admin = this.admin.get(model);
    const shipped = this.shipped.models[model];
    return {
      model,
      ...cleanText(text),
      uncertain: text.uncertain === true,
      source: admin ? 'admin' : 'shipped',
      ...(admin && { updatedAt: new Date(admin.updatedAt).toISOString() }),
      ...(admin && shipped && { shipped: cleanText(shipped) }),
    };
  }
}

/** The price text with only the fields given, `uncertain` only when true. */
function cleanText({ unit, input, output, price, uncertain }: PriceText): PriceText {
  return {
    unit,
    ...(input !== undefined && { input }),
    ...(output !== undefined && { output }),
    ...(price !== undefined && { price }),
    ...(uncertain && { uncertain }),
  };
}

/** Equal when they bill alike ("2" and "2.00", a missing output and "0"), and both or neither are uncertain. */
function samePrice(a: PriceText, b: PriceText | undefined): boolean {
  if (!b) return false;
  const [pa, pb] = [toPrice(a), toPrice(b)];
  return pa.unit === pb.unit && pa.input === pb.input && pa.output === pb.output && pa.item === pb.item && pa.uncertain === pb.uncertain;
}

function parseStored(json: string): PriceText | undefined {
  try {
    const parsed = adminPriceSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** `models["deepseek-ai/DeepSeek-V3.1"].input: must be a price …`: model names hold dots and slashes. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const [first, model, ...rest] = issue.path.map(String);
  if (first === 'models' && model !== undefined) {
    const field = rest.length ? `.${rest.join('.')}` : '';
    return `models[${JSON.stringify(model)}]${field}: ${issue.message}`;
  }
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
