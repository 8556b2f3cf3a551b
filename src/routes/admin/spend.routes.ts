import { Router, type Response } from 'express';
import { z } from 'zod';
import { adminOnly } from '../../auth/admin-guard.js';
import { parseInput } from '../../middleware/validate.js';
import { CHINA_OFFSET_MINUTES, DAY_MS, HOUR_MS, dateStart } from '../../stats/local-time.js';
import { SPEND_GROUPINGS, type SpendReport, type SpendService } from '../../stats/spend-service.js';
import { csvText } from './csv.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A moment with its zone: a time without one would be read in the server's zone, which the reader cannot see. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const MS = /^\d{1,15}$/;
const INSTANT_HINT = 'must be a date (2026-03-01), a time with its zone (2026-03-01T08:00:00+08:00) or ms since the epoch';
/** An hourly sheet longer than this (about 14 months) is a mistake, not a report. */
const MAX_BUCKETS = 10_000;
const DEFAULT_DAYS = 30;

const instant = z
  .string()
  .refine((v) => MS.test(v) || (DATE.test(v) && dateStart(v, 0) !== undefined) || (DATE_TIME.test(v) && !Number.isNaN(Date.parse(v))), {
    message: INSTANT_HINT,
  });
/** Minutes east of UTC; SiliconFlow's days start at the China midnight (+480). */
const tzOffset = z.coerce.number().int().min(-720).max(840).default(CHINA_OFFSET_MINUTES);

/**
 * A plain date is a local day in `tzOffsetMinutes`: `from` its start, `to` its end (so
 * from=2026-03-01&to=2026-03-31 is the whole of March); a time or ms is the moment itself, `to` excluded.
 */
function resolve(text: string, edge: 'from' | 'to', tzOffsetMinutes: number): number {
  if (MS.test(text)) return Number(text);
  if (!DATE.test(text)) return Date.parse(text);
  return dateStart(text, tzOffsetMinutes)! + (edge === 'to' ? DAY_MS : 0);
}

const spendQuery = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    groupBy: z.enum(SPEND_GROUPINGS, { message: `must be one of ${SPEND_GROUPINGS.join(', ')}` }).default('day'),
    model: z.string().min(1).max(200).optional(),
    keyId: z.coerce.number().int().positive().optional(),
    clientId: z.coerce.number().int().min(0).optional(),
    tzOffsetMinutes: tzOffset,
    format: z.enum(['json', 'csv'], { message: 'must be json or csv' }).default('json'),
  })
  .transform(resolveRange);

const CLIENT_GROUPINGS = ['day', 'hour', 'model'] as const;
/** A client key's usage (GET /admin/api/clients/:id/usage): the spend query of one client, by time or model. */
export const clientUsageQuery = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    groupBy: z.enum(CLIENT_GROUPINGS, { message: `must be one of ${CLIENT_GROUPINGS.join(', ')}` }).default('day'),
    tzOffsetMinutes: tzOffset,
  })
  .strict()
  .transform(resolveRange);

/** `from` and `to` as ms (defaults: the last 30 days), checked: in order, and not too many buckets. */
function resolveRange<Q extends { from?: string; to?: string; groupBy: string; tzOffsetMinutes: number }>(q: Q, ctx: z.RefinementCtx) {
  const to = q.to === undefined ? Date.now() : resolve(q.to, 'to', q.tzOffsetMinutes);
  const from = q.from === undefined ? to - DEFAULT_DAYS * DAY_MS : resolve(q.from, 'from', q.tzOffsetMinutes);
  if (from >= to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  const bucketMs = q.groupBy === 'hour' ? HOUR_MS : q.groupBy === 'day' ? DAY_MS : 0;
  if (bucketMs && (to - from) / bucketMs > MAX_BUCKETS) {
    ctx.addIssue({
      code: 'custom',
      path: ['from'],
      message: `gives more than ${MAX_BUCKETS} ${q.groupBy}s: narrow the range or group by day`,
    });
  }
  return { ...q, from, to } as Omit<Q, 'from' | 'to'> & { from: number; to: number };
}

const summaryQuery = z.object({ tzOffsetMinutes: tzOffset });

export type SpendRoutesDeps = { spend: Pick<SpendService, 'report' | 'summary'> };

/** The spend ledger read back: the spend by day, hour, model or key (JSON, or CSV for accounting), and the overview's summary. */
export function spendRoutes({ spend }: SpendRoutesDeps): Router {
  const router = Router();

  router.get('/spend', adminOnly, (req, res) => {
    const { format, ...query } = parseInput(spendQuery, req.query);
    const report = spend.report(query);
    if (format === 'csv') return sendCsv(res, report);
    res.json(report);
  });

  router.get('/spend/summary', adminOnly, (req, res) => {
    res.json(spend.summary(parseInput(summaryQuery, req.query).tzOffsetMinutes));
  });

  return router;
}

const CSV_GROUP = { day: 'day', hour: 'hour', model: 'model', key: 'key_id', client: 'client_id' } as const;
const CSV_FIGURES = [
  'requests',
  'input_tokens',
  'output_tokens',
  'cost_yuan',
  'gift_yuan',
  'paid_yuan',
  'unknown_credit_yuan',
  'unpriced_requests',
  'unpriced_input_tokens',
  'unpriced_output_tokens',
  'kind',
];

const EXTRA_COLUMNS = {
  day: ['start_utc'],
  hour: ['start_utc'],
  model: [],
  key: ['masked_key'],
  client: ['client_name', 'client_deleted'],
};

function extraCells(groupBy: SpendReport['groupBy'], r: SpendReport['rows'][number]): (string | boolean | null | undefined)[] {
  if (groupBy === 'key') return [r.maskedKey];
  if (groupBy === 'client') return [r.clientName, r.clientDeleted];
  return groupBy === 'model' ? [] : [r.start];
}

/** One line per group with the JSON's columns (the start of a day or hour in UTC, a key's masked form). */
function sendCsv(res: Response, report: SpendReport): void {
  const extra = EXTRA_COLUMNS[report.groupBy];
  const header = [CSV_GROUP[report.groupBy], ...extra, ...CSV_FIGURES];
  const rows = report.rows.map((r) => [
    r.group,
    ...extraCells(report.groupBy, r),
    r.requests,
    r.inputTokens,
    r.outputTokens,
    r.cost,
    r.gift,
    r.paid,
    r.unknownCredit,
    r.unpriced.requests,
    r.unpriced.inputTokens,
    r.unpriced.outputTokens,
    r.kind,
  ]);
  const name = `siliconflow-spend-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}-by-${report.groupBy}.csv`;
  res.attachment(name).set('Cache-Control', 'no-store').type('text/csv; charset=utf-8').send(csvText(header, rows));
}
