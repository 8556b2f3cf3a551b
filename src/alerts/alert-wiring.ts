import type { CheckService } from '../balance/check-service.js';
import type { Config } from '../config/env.js';
import type { Db } from '../db/database.js';
import type { KeyStore } from '../keys/key-store.js';
import type { Logger } from '../logger.js';
import type { RequestLogWriter } from '../logs/request-log-writer.js';
import { AlertEngine, type AlertEngineDeps } from './alert-engine.js';
import { AlertRuleService } from './alert-rule-service.js';
import type { AlertSink } from './alert-types.js';
import { IncidentStore } from './incident-store.js';
import { RuleStore } from './rule-store.js';
import { fanOut, logSink } from './sinks.js';
import type { SnapshotSources } from './snapshot.js';

/** The alert engine and its rules, built by the composition root (context.ts) from the pool's parts. */
export function createAlerts(deps: {
  config: Pick<Config, 'publicUrl' | 'host' | 'port'>;
  db: Db;
  logger: Logger;
  sources: SnapshotSources;
  checks: Pick<CheckService, 'onRunFinished'>;
  checkSeconds: AlertEngineDeps['checkSeconds'];
  /** Where messages go besides the log: the delivery queue, a test's recorder. */
  sinks: readonly AlertSink[];
}): { alerts: AlertEngine; alertRules: AlertRuleService } {
  const alertRules = new AlertRuleService(new RuleStore(deps.db));
  const alerts = new AlertEngine({
    rules: alertRules,
    incidents: new IncidentStore(deps.db),
    sink: fanOut([logSink(deps.logger), ...deps.sinks], deps.logger),
    sources: deps.sources,
    checkSeconds: deps.checkSeconds,
    baseUrl: publicBaseUrl(deps.config),
    logger: deps.logger,
  });
  deps.checks.onRunFinished((run) => alerts.checkRunFinished(run));
  return { alerts, alertRules };
}

/** PUBLIC_URL, else http://<HOST>:<PORT> — localhost for a wildcard HOST, which no browser reaches. */
export function publicBaseUrl({ publicUrl, host, port }: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (publicUrl) return publicUrl.replace(/\/$/, '');
  const name = host === '' || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/**
 * What the runway is computed from changes with requests (their spend, logged) and with key writes
 * (imports, checks, balances, switches): a count of both, so the engine can tell a pool where nothing
 * happened without reading it (SnapshotSources.runwayInputs).
 */
export function runwayInputs(keys: Pick<KeyStore, 'events'>, logs: Pick<RequestLogWriter, 'written'>): () => number {
  let keyWrites = 0;
  keys.events.on('changed', () => keyWrites++);
  return () => keyWrites + logs.written;
}
