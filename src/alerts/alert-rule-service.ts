import { z } from 'zod';
import { HttpError } from '../http-error.js';
import { defaultRule, paramsSchema, RULE_TEXTS, type AlertRule } from './alert-rules.js';
import { ALERT_EVENTS, isAlertEvent, SEVERITIES, type AlertEvent, type Bilingual } from './alert-types.js';
import type { RuleStore } from './rule-store.js';

/** A rule as GET/PATCH /admin/api/alerts/rules answer it. */
export type RuleView = AlertRule & { label: Bilingual; help: Bilingual };

/** PATCH /alerts/rules/:event: any of these; `params` is merged into the rule's, each checked. */
const rulePatch = z
  .object({
    enabled: z.boolean().optional(),
    severity: z.enum(SEVERITIES).optional(),
    clearAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type RulePatch = z.infer<typeof rulePatch>;

/**
 * The alert rules: the stored changes over the defaults, held in memory (the engine reads them on
 * every tick) and written through on each change.
 */
export class AlertRuleService {
  private readonly rules = new Map<AlertEvent, AlertRule>();

  constructor(private readonly store: Pick<RuleStore, 'all' | 'save'>) {
    const stored = store.all();
    for (const event of ALERT_EVENTS) this.rules.set(event, withDefaults(event, stored.get(event)));
  }

  get(event: AlertEvent): Readonly<AlertRule> {
    return this.rules.get(event)!;
  }

  list(): RuleView[] {
    return ALERT_EVENTS.map((e) => this.view(e));
  }

  /** One rule's view; 404 alert-event-not-found for a name that is no event. */
  find(event: string): RuleView {
    return this.view(known(event));
  }

  /** Applies the admin's change; 400 invalid-alert-rule naming the field, 404 for an unknown event. */
  update(event: string, body: unknown): RuleView {
    const e = known(event);
    const patch = checked(rulePatch, body, '');
    const current = this.rules.get(e)!;
    const params = checked(paramsSchema(e), { ...current.params, ...patch.params }, 'params.') as Record<string, number>;
    const next: AlertRule = {
      event: e,
      enabled: patch.enabled ?? current.enabled,
      severity: patch.severity ?? current.severity,
      clearAfterSeconds: patch.clearAfterSeconds ?? current.clearAfterSeconds,
      params,
    };
    this.store.save(next);
    this.rules.set(e, next);
    return this.view(e);
  }

  private view(event: AlertEvent): RuleView {
    const rule = this.rules.get(event)!;
    return { ...rule, params: { ...rule.params }, ...RULE_TEXTS[event] };
  }
}

function known(event: string): AlertEvent {
  if (isAlertEvent(event)) return event;
  throw new HttpError(404, 'alert-event-not-found', `No alert event "${event.slice(0, 64)}" (events: ${ALERT_EVENTS.join(', ')}).`);
}

/** A stored rule over the defaults: a parameter added since it was stored (or no longer valid) takes its default. */
function withDefaults(event: AlertEvent, stored: AlertRule<Record<string, unknown>> | undefined): AlertRule {
  const rule = defaultRule(event);
  if (!stored) return rule;
  const params = paramsSchema(event).safeParse({ ...rule.params, ...pick(stored.params, Object.keys(rule.params)) });
  return { ...stored, params: params.success ? (params.data as Record<string, number>) : rule.params };
}

const pick = (o: Record<string, unknown>, names: string[]) => Object.fromEntries(names.filter((n) => n in o).map((n) => [n, o[n]]));

function checked<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.length ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
  const field = path ? `${prefix}${path}` : prefix.replace(/\.$/, '');
  throw new HttpError(400, 'invalid-alert-rule', field ? `${field}: ${issue.message}` : issue.message);
}
