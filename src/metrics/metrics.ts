import { createRequire } from 'node:module';
import type { Gauge, Histogram, Registry } from 'prom-client';
import type { Split } from '../ledger/balance.js';
import type { Nano } from '../ledger/money.js';
import type { PoolGauges } from '../stats/spend-service.js';
import { ObservationBuffer, OutcomeTally, PairTally, SpendTally } from './tallies.js';

const PREFIX = 'sfm_';

type PromClient = typeof import('prom-client');
let promClient: PromClient | undefined;

/**
 * prom-client, loaded when the metrics are first needed (ProxyMetrics.prepare after the start's
 * background work, or a scrape before that) instead of with the server's modules: it took ~45 ms of
 * every start (issue 15's ready time) and the hot path only counts into Maps (tallies.ts) anyway.
 */
function prom(): PromClient {
  promClient ??= createRequire(import.meta.url)('prom-client') as PromClient;
  return promClient;
}

let processRegistry: Promise<Registry> | undefined;

/**
 * How long the first scrape waits once the default metrics are started: a few samples of the
 * event-loop monitor (prom-client samples every 10 ms), so its first lag figures are real ones.
 */
const FIRST_SAMPLES_MS = 30;

/**
 * The default Node metrics (CPU, memory, event-loop lag, GC), collected once per process and started
 * by the first scrape. Their event-loop monitor wakes the process every 10 ms for as long as it runs
 * (~0.2 CPU-s a minute of an otherwise idle server, measured): a server no one scrapes pays nothing.
 * prom-client never disables the monitor nor its GC observer, so calling it per instance would leak
 * both for every app a test builds; they are process-wide facts anyway, shared by every ProxyMetrics.
 */
function processMetrics(): Promise<Registry> {
  processRegistry ??= new Promise((resolve) => {
    const { Registry, collectDefaultMetrics } = prom();
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: PREFIX });
    setTimeout(() => resolve(registry), FIRST_SAMPLES_MS);
  });
  return processRegistry;
}

/** Upstream calls take from milliseconds (an error) to minutes (a long generation). */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** The prom-client side of ProxyMetrics, made at its first use. */
type Exported = {
  registry: Registry;
  latency: Histogram;
};

/**
 * Prometheus metrics for the /v1 proxy, in a registry of its own (never prom-client's global one).
 * The hot path counts into tallies; the registry and its metrics are made at the first scrape (or
 * prepare()), and each metric takes its share of the tallies when prom-client collects it.
 */
export class ProxyMetrics {
  private exported: Exported | undefined;
  private readonly requestTally = new PairTally('status', 'client');
  private readonly outcomeTally = new OutcomeTally();
  private readonly spendTally = new SpendTally();
  private readonly latencyBuffer = new ObservationBuffer(() => this.prom().latency);
  /** Issue 14, alert engine: what its last tick saw (set once the engine exists; null before its first tick). */
  private alertReading: () => AlertGauges | null = () => null;
  /** Issue 14, delivery: alert messages sent, by event and channel id. */
  private readonly alertsSent = new PairTally('event', 'channel');

  /** keyCounts, poolMoney and coolingKeys are called at each scrape: pool keys per status, the pool's money, keys cooling. */
  constructor(
    private readonly keyCounts: () => Record<string, number>,
    private readonly poolMoney: () => PoolGauges = () => NO_POOL_MONEY,
    private readonly coolingKeys: () => number = () => 0,
  ) {}

  /** Loads prom-client and makes the metrics now, off the first scrape's path (the server calls it once its start is done). */
  prepare(): void {
    this.prom();
  }

  private prom(): Exported {
    this.exported ??= this.build();
    return this.exported;
  }

  private build(): Exported {
    const { Counter, Gauge, Histogram, Registry } = prom();
    const registry = new Registry();
    const registers = [registry];
    const { requestTally, outcomeTally, spendTally, keyCounts, coolingKeys, alertsSent } = this;
    new Counter({
      name: `${PREFIX}requests_total`,
      help: 'Client requests to /v1, by the HTTP status the client got and the client key (its id; "default" for the admin\'s key, "none" when no key was accepted).',
      labelNames: ['status', 'client'],
      registers,
      collect() {
        requestTally.flushInto(this);
      },
    });
    new Counter({
      name: `${PREFIX}upstream_attempts_total`,
      help: 'Calls to SiliconFlow, by outcome.',
      labelNames: ['outcome'],
      registers,
      collect() {
        outcomeTally.flushInto(this);
      },
    });
    const latency = new Histogram({
      name: `${PREFIX}upstream_latency_seconds`,
      help: 'Time from sending a request to SiliconFlow until its response headers arrived.',
      buckets: LATENCY_BUCKETS,
      registers,
      collect: () => this.latencyBuffer.flush(),
    });
    new Counter({
      name: `${PREFIX}spend_yuan_total`,
      help: "Money spent through /v1 by the price book, in yuan, by model and by the credit that paid it (unknown: the key's gift credit is not known).",
      labelNames: ['model', 'credit', 'client'],
      registers,
      collect() {
        spendTally.flushInto(this);
      },
    });
    new Gauge({
      name: `${PREFIX}keys`,
      help: 'Pool keys by status.',
      labelNames: ['status'],
      registers,
      collect() {
        // Reset first so a status no key has any more disappears instead of keeping its old count.
        this.reset();
        for (const [status, count] of Object.entries(keyCounts())) this.set({ status }, count);
      },
    });
    new Gauge({
      name: `${PREFIX}keys_cooling`,
      help: 'Enabled pool keys whose account SiliconFlow rate-limited (429) for at least one model; they still serve the others and keep their status.',
      registers,
      collect() {
        this.set(coolingKeys());
      },
    });
    poolMoneyGauges(Gauge, registers, this.poolMoney);
    alertGauges(Gauge, registers, () => this.alertReading());
    // A counter with labels has no series before its first count: none is shown before the first alert is sent.
    new Counter({
      name: `${PREFIX}alerts_sent_total`,
      help: 'Alert messages delivered, by event and by channel (its id).',
      labelNames: ['event', 'channel'],
      registers,
      collect() {
        alertsSent.flushInto(this);
      },
    });
    return { registry, latency };
  }

  /** `client` is a client key's id (bounded by the clients the admin made), never the key. */
  requestFinished(status: number, client: string): void {
    this.requestTally.add(status, client);
  }

  /** latencyMs is null when SiliconFlow never answered (timeout, connection error). */
  attempt(outcome: string, latencyMs: number | null): void {
    this.outcomeTally.add(outcome);
    if (latencyMs !== null) this.latencyBuffer.add(latencyMs / 1000);
  }

  /**
   * A request's cost and which credit paid it. Only priced models have a cost, so the model label
   * takes no more values than the price book has models, whatever clients send.
   */
  spent(model: string, cost: Nano, split: Split, client: string): void {
    if (split.gift === null || split.paid === null) {
      if (cost > 0) this.spendTally.add(client, model, 'unknown', cost);
      return;
    }
    if (split.gift > 0) this.spendTally.add(client, model, 'gift', split.gift);
    if (split.paid > 0) this.spendTally.add(client, model, 'paid', split.paid);
  }

  /** Issue 14, alert engine: where the engine's gauges are read from at each scrape (O(1): its last snapshot). */
  useAlertGauges(read: () => AlertGauges | null): void {
    this.alertReading = read;
  }

  get contentType(): string {
    return this.prom().registry.contentType;
  }

  async render(): Promise<string> {
    const { registry } = this.prom();
    return prom()
      .Registry.merge([registry, await processMetrics()])
      .metrics();
  }

  // Issue 14, delivery: sfm_alerts_sent_total{event,channel}. `channel` is the channel's id: bounded by the admin's channels.
  alertSent(event: string, channelId: number): void {
    this.alertsSent.add(event, channelId);
  }
}

const NO_POOL_MONEY: PoolGauges = { balanceYuan: { gift: null, paid: null, total: null }, runwayHours: { gift: null, paid: null } };

/**
 * The pool's estimated balance and runway, read at each scrape. Both gauges come from one reading
 * (one SQL aggregate, SpendService.gauges), kept until the scrape's synchronous collect pass is over.
 * An unknown figure is left out rather than exported as 0, which would read as an empty pool.
 */
function poolMoneyGauges(Gauge: PromClient['Gauge'], registers: Registry[], poolMoney: () => PoolGauges): void {
  let reading: PoolGauges | undefined;
  const read = () => {
    if (!reading) {
      reading = poolMoney();
      queueMicrotask(() => (reading = undefined));
    }
    return reading;
  };
  const setKnown = (gauge: Gauge<'credit'>, values: Record<string, number | null>) => {
    gauge.reset();
    for (const [credit, value] of Object.entries(values)) if (value !== null) gauge.set({ credit }, value);
  };
  new Gauge({
    name: `${PREFIX}pool_estimated_balance_yuan`,
    help: "The pool's money by credit (gift, paid, total), summed over the enabled, valid keys where it is known.",
    labelNames: ['credit'],
    registers,
    collect() {
      setKnown(this, read().balanceYuan);
    },
  });
  new Gauge({
    name: `${PREFIX}pool_runway_hours`,
    help: "How long the pool's gift and paid credit last at the last 24 hours' rate of spending them.",
    labelNames: ['credit'],
    registers,
    collect() {
      setKnown(this, read().runwayHours);
    },
  });
}

// Issue 14, alert engine: the gauges its rules read, so Alertmanager users can alert on the same
// facts (docs/alerts.md has example rules). Read from the engine's last tick, never recomputed here.

/** What the alert engine's last tick saw, as the gauges export it. */
export type AlertGauges = {
  /** Open incidents per event (firing, or clearing until they resolve). */
  firing: Record<string, number>;
  keysUsable: number;
  keysEnabled: number;
  /** Seconds left of the pool-wide back-off per reason (ip-blocked, rate-limited); 0 when off. */
  backoffSeconds: Record<string, number>;
  modelsCoolingAll: number;
  checkFailedRatio: number;
  clientsOverBudget: number;
  defaultPassword: boolean;
};

function alertGauges(Gauge: PromClient['Gauge'], registers: Registry[], read: () => AlertGauges | null): void {
  const gauge = (name: string, help: string, value: (g: AlertGauges) => number) =>
    new Gauge({
      name: `${PREFIX}${name}`,
      help,
      registers,
      collect() {
        const g = read();
        if (g) this.set(value(g));
      },
    });
  const labelled = (name: string, help: string, label: string, values: (g: AlertGauges) => Record<string, number>) =>
    new Gauge({
      name: `${PREFIX}${name}`,
      help,
      labelNames: [label],
      registers,
      collect() {
        const g = read();
        if (g) for (const [key, value] of Object.entries(values(g))) this.set({ [label]: key }, value);
      },
    });
  labelled('alerts_firing', 'Open alert incidents per event (firing, or clearing until they resolve).', 'event', (g) => g.firing);
  gauge('keys_usable', 'Pool keys that serve any model: enabled, active or error.', (g) => g.keysUsable);
  gauge('keys_enabled', 'Pool keys the admin has not disabled.', (g) => g.keysEnabled);
  labelled(
    'pool_backoff_seconds',
    'Seconds left of the pool-wide back-off, by reason (ip-blocked, rate-limited); 0 when off.',
    'reason',
    (g) => g.backoffSeconds,
  );
  gauge('models_cooling_all', 'Models that every serving account is cooling (429) for.', (g) => g.modelsCoolingAll);
  gauge(
    'check_last_run_failed_ratio',
    'Share of the keys the last check run (3 keys or more) could not check; 0 before one.',
    (g) => g.checkFailedRatio,
  );
  gauge('clients_over_budget', 'Enabled client keys that reached a budget.', (g) => g.clientsOverBudget);
  gauge('admin_default_password', '1 while the admin signs in with the default password, else 0.', (g) => (g.defaultPassword ? 1 : 0));
}
