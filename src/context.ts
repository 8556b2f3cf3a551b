import { join } from 'node:path';
import type { AppDeps } from './app.js';
import { AccessKeyService } from './auth/access-key.js';
import { AdminAuth } from './auth/admin-auth.js';
// Issue 14, delivery: the alert channels and the queue that delivers to them.
import type { ChannelService } from './alerts/channel-service.js';
import type { AlertDelivery, DeliveryOptions } from './alerts/delivery.js';
import { createAlertDelivery } from './alerts/delivery-setup.js';
import { CheckService } from './balance/check-service.js';
import { RecoveryService } from './balance/recovery.js';
import { ClientGate } from './clients/client-gate.js';
import { ClientRegistry } from './clients/client-registry.js';
import { ClientKeyHasher } from './clients/client-secret.js';
import { ClientService } from './clients/client-service.js';
import { ClientStore } from './clients/client-store.js';
import { ClientSync } from './clients/client-sync.js';
import { SelfIssue } from './clients/self-issue.js';
import { SiliconFlowClient } from './balance/siliconflow-client.js';
import { ConfigError, type Config } from './config/env.js';
import { loadSecrets, SECRETS_FILE } from './config/secrets.js';
import { KeyCipher } from './crypto/key-cipher.js';
import { AppState } from './db/app-state.js';
import { prepareDataDir, tightenDataDir } from './db/data-dir.js';
import { DATABASE_FILE, openDatabase, type Db } from './db/database.js';
import { SqliteSessionStore } from './db/session-store.js';
import { JobRegistry } from './jobs/job-registry.js';
import { KeyService } from './keys/key-service.js';
import { JobKeyStore } from './keys/job-key-store.js';
import { KeyStore } from './keys/key-store.js';
import { parseYuan } from './ledger/money.js';
import type { PriceBook } from './ledger/price-book.js';
import { PriceService } from './ledger/price-service.js';
import { PriceStore } from './ledger/price-store.js';
import { createLogger, type Logger } from './logger.js';
import { GuestPass } from './pages/guest-pass.js';
import { RequestLogStore } from './logs/request-log-store.js';
import { RequestLogWriter } from './logs/request-log-writer.js';
import { SpendStore } from './logs/spend-store.js';
import { ProxyMetrics } from './metrics/metrics.js';
import { PoolBackoff } from './proxy/backoff.js';
import { clientAddressResolver } from './proxy/client-address.js';
import { CorsPolicy } from './proxy/cors.js';
import { AccountCooling } from './proxy/pool/account-cooling.js';
import { CoolingStore } from './proxy/pool/cooling-store.js';
import { CoolingSync } from './proxy/pool/cooling-sync.js';
import { coolingOfKey, CoolingView } from './proxy/pool/cooling-view.js';
import { JobAffinity } from './proxy/job-affinity.js';
import { KeyPool } from './proxy/pool/key-pool.js';
import { LocalLimits } from './proxy/pool/local-limits.js';
import { PoolSync } from './proxy/pool/pool-sync.js';
import { Heartbeats } from './proxy/heartbeat.js';
import { createProxyHandler } from './proxy/proxy-handler.js';
import { UpstreamClient } from './proxy/upstream-client.js';
import type { ServerDeps } from './server-runtime.js';
import { SettingsService, type RuntimeSettings } from './settings/settings-service.js';
import { SpendService, type PoolGauges } from './stats/spend-service.js';
import { StatsService } from './stats/stats-service.js';
// Issue 14, alert engine: rules, detectors, incidents; messages go to the log and the given sinks.
import type { AlertEngine } from './alerts/alert-engine.js';
import type { AlertRuleService } from './alerts/alert-rule-service.js';
import type { AlertSink } from './alerts/alert-types.js';
import { createAlerts, publicBaseUrl, runwayInputs } from './alerts/alert-wiring.js';

/** What DATA_DIR holds that no one but the server's user may read: the database with its WAL files, and secrets.json. */
const PRIVATE_FILES = [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, SECRETS_FILE];

/** What an entry point gets: every service (scripts seed through them, tests assert on them), and what to start the app with. */
export type AppContext = AppServices & {
  /** What createApp and createHttpServer take. */
  appDeps: AppDeps;
  /** What runServer takes. */
  serverDeps: ServerDeps;
};

/** Every service, built once per start (launch.ts) or per test. */
type AppServices = {
  config: Config;
  logger: Logger;
  db: Db;
  sessionSecret: string;
  sessionStore: SqliteSessionStore;
  settings: SettingsService;
  accessKey: AccessKeyService;
  adminAuth: AdminAuth;
  guestPass: GuestPass;
  keys: KeyService;
  checks: CheckService;
  /** The way back for error, exhausted and invalid keys (started with the scheduled jobs). */
  recovery: RecoveryService;
  jobs: JobRegistry;
  stats: StatsService;
  /** Client keys: the admin's CRUD, and the lookup a key's holder makes. */
  clients: ClientService;
  /** A guest's own client key from the admin's preset (guestSelfService). */
  selfIssue: SelfIssue;
  /** The prices in force; its `book` is the one the proxy prices requests with. */
  prices: PriceService;
  spend: SpendService;
  pool: KeyPool;
  /** The admin's local budgets per account and model (ACCOUNT_LIMITS), with what each used. */
  localLimits: LocalLimits;
  /** Accounts cooling per model after SiliconFlow's 429s, and what the admin sees of them. */
  cooling: AccountCooling;
  coolingView: CoolingView;
  requestLogs: RequestLogStore;
  logWriter: RequestLogWriter;
  metrics: ProxyMetrics;
  proxy: ReturnType<typeof createProxyHandler>;
  /** Which key made each file, batch and video job (the proxy sends later calls about one with it). */
  jobKeys: JobKeyStore;
  // Issue 14, delivery: the AlertSink the engine sends to (it returns at once; the queue retries),
  // and the admin's channels with the test button and the delivery log.
  alertDelivery: AlertDelivery;
  alertChannels: ChannelService;
  /** Writes what is buffered now: key states learned by the proxy, request logs. */
  flush(): void;
  /** Flushes, then closes connections and the database. */
  close(): Promise<void>;
  /** Issue 15: resolves once the pool's secrets, loaded sealed at start, are decrypted (PoolSync.opened). */
  poolOpened(): Promise<void>;
  /** The generated access key while no banner has printed it yet (see AccessKeyService.init). */
  generatedAccessKey: string | undefined;
  // Issue 14, alert engine: what decides when an alert is sent (started with the scheduled jobs), and its rules.
  alerts: AlertEngine;
  alertRules: AlertRuleService;
};

/** What createContext takes besides the config. */
export type ContextOptions = {
  logger?: Logger;
  /** Issue 14, alert engine: sinks that get every alert message besides the log (a test's recorder). */
  alertSinks?: readonly AlertSink[];
  /** Issue 14, delivery: the alert queue's pacing (short retry delays and timeouts in tests). */
  alertDelivery?: Partial<DeliveryOptions>;
};

/**
 * The composition root: the one place that builds the services and hands each router, job and
 * service an object holding just what it uses (appDeps for createApp, serverDeps for runServer).
 * Only the entry points import this module (launch.ts, the demo, the benchmark's seeding, the test
 * helpers: eslint.config.mjs says so), so no module can quietly come to depend on everything.
 */
export function createContext(config: Config, options: ContextOptions = {}): AppContext {
  const services = createServices(config, options.logger ?? createLogger(config.logLevel), options);
  const appDeps = appDepsOf(config, services);
  return { ...services, appDeps, serverDeps: serverDepsOf(config, services, appDeps) };
}

/** DATA_DIR made private, its secrets loaded, the database opened and checked against ENCRYPTION_KEY. */
function openDataDir(config: Config, logger: Logger) {
  prepareDataDir(config.dataDir);
  tightenDataDir(config.dataDir, PRIVATE_FILES, (message) => logger.warn(message));
  const secrets = loadSecrets(config);
  const db = openDatabase(join(config.dataDir, DATABASE_FILE));
  const cipher = new KeyCipher(secrets.encryptionKey);
  const appState = new AppState(db);
  assertCipherMatches(appState, cipher);
  return { db, cipher, appState, sessionSecret: secrets.sessionSecret, clientHasher: new ClientKeyHasher(secrets.encryptionKey) };
}

function createServices(config: Config, logger: Logger, options: ContextOptions): AppServices {
  const { db, cipher, appState, sessionSecret, clientHasher } = openDataDir(config, logger);
  const settings = new SettingsService(db, config.runtime, cipher);
  const accessKey = new AccessKeyService(appState, cipher, config.authApiKey);
  const generatedAccessKey = accessKey.init();
  const guestPass = new GuestPass(
    appState,
    () => settings.get().guestPassword,
    (text) => cipher.hash(text),
  );
  settings.on('change', (_s, changed) => changed.includes('guestPassword') && guestPass.passwordChanged());
  const keyStore = new KeyStore(db);
  const cooling = new AccountCooling();
  const keys = new KeyService(keyStore, cipher, (k) => coolingOfKey(cooling, k));
  const jobs = new JobRegistry();
  const client = new SiliconFlowClient(config.siliconflowBaseUrl, config.checkTimeoutMs);
  const requestLogs = new RequestLogStore(db);
  const prices = new PriceService(new PriceStore(db), logger);
  const spend = new SpendService(new SpendStore(db));
  const clientStore = new ClientStore(db);
  const clientRegistry = new ClientRegistry(clientHasher);
  const clients = new ClientService({ store: clientStore, registry: clientRegistry, hasher: clientHasher, accessKey, spend });
  const selfIssue = new SelfIssue({ settings: () => settings.get(), clients, store: clientStore, keyedHash: (t) => cipher.hash(t) });
  const jobKeys = new JobKeyStore(db);
  const proxy = createProxyStack(
    config,
    settings,
    keyStore,
    keys,
    accessKey,
    requestLogs,
    prices.book,
    logger,
    () => spend.gauges(),
    { store: clientStore, registry: clientRegistry },
    { cooling, store: new CoolingStore(db) },
    jobKeys,
  );
  const { coolingView } = proxy;
  const checks = new CheckService(keys, keyStore, client, jobs, settings, logger);
  const recovery = new RecoveryService({
    store: keyStore,
    history: keyStore.history,
    checks,
    limits: () => settings.get(),
    probeModel: config.exhaustedProbeModel,
    logger,
  });
  // Issue 14, delivery: pending deliveries resume at start; close() cuts attempts short (they stay pending).
  const alerting = createAlertDelivery({
    db,
    cipher,
    sent: (event, channelId) => proxy.metrics.alertSent(event, channelId),
    logger,
    options: options.alertDelivery,
  });
  alerting.delivery.start();
  const adminAuth = new AdminAuth(appState, config.adminUsername, config.adminPassword);
  // Issue 14, alert engine: read on its own tick from what the pool and the services hold, never on /v1's path.
  const { alerts, alertRules } = createAlerts({
    config,
    db,
    logger,
    sources: {
      pool: proxy.pool,
      runway: () => spend.pool().runway,
      runwayInputs: runwayInputs(keyStore, proxy.logWriter),
      keyEvents: keyStore.history,
      cooling,
      backoff: proxy.backoff,
      clients: clientRegistry,
      mustChangePassword: () => adminAuth.mustChangePassword(),
    },
    checks,
    checkSeconds: () => settings.get().alertCheckSeconds,
    sinks: [...(options.alertSinks ?? []), alerting.delivery],
  });
  proxy.metrics.useAlertGauges(() => alerts.gauges());
  return {
    config,
    logger,
    db,
    sessionSecret,
    sessionStore: new SqliteSessionStore(db),
    settings,
    accessKey,
    adminAuth,
    guestPass,
    keys,
    checks,
    recovery,
    jobs,
    stats: new StatsService(keyStore, requestLogs, spend, () => coolingView.coolingKeys()),
    prices,
    spend,
    clients,
    selfIssue,
    requestLogs,
    pool: proxy.pool,
    localLimits: proxy.localLimits,
    cooling,
    coolingView,
    logWriter: proxy.logWriter,
    metrics: proxy.metrics,
    proxy: proxy.handler,
    jobKeys,
    alertDelivery: alerting.delivery, // Issue 14, delivery
    alertChannels: alerting.channels,
    flush: proxy.flush,
    poolOpened: proxy.opened,
    generatedAccessKey,
    alerts,
    alertRules,
    async close() {
      alerts.stop();
      await proxy.stop();
      await alerting.delivery.stop(); // Issue 14, delivery
      if (db.open) db.close();
    },
  };
}

/** What the Express app mounts, router by router: each gets its part of the same service instances. */
function appDepsOf(config: Config, s: AppServices): AppDeps {
  const { logger, settings, accessKey, adminAuth, guestPass, keys, checks, stats } = s;
  return {
    trustProxy: config.trustProxy,
    proxy: s.proxy,
    health: { db: s.db, logger },
    session: { secret: s.sessionSecret, store: s.sessionStore },
    metrics: {
      metrics: s.metrics,
      isAccessKey: (token) => accessKey.matches(token),
      mustChangePassword: () => adminAuth.mustChangePassword(),
    },
    admin: {
      adminAuth,
      sessionStore: s.sessionStore,
      logger,
      keys,
      checks,
      jobs: s.jobs,
      settings,
      accessKey,
      requestLogs: s.requestLogs,
      stats,
      prices: s.prices,
      spend: s.spend,
      clients: s.clients,
      accountLimits: s.localLimits,
      coolingList: () => s.coolingView.list(),
      alertChannels: s.alertChannels, // Issue 14, delivery
      publicAdminUrl: config.publicUrl ? `${publicBaseUrl(config)}/admin` : undefined,
      // Issue 14, alert engine: the rules and incidents routes.
      alertRules: s.alertRules,
      alertIncidents: s.alerts,
    },
    keyChecker: { settings, guestPass, checks },
    clientLookup: { clients: s.clients },
    selfIssue: { settings, guestPass, selfIssue: s.selfIssue },
    pages: { settings, stats, keys, accessKey, guestPass, adminAuth },
    logger,
  };
}

/** What the running server adds to the app: the scheduled jobs, the banner, and the ways to stop. */
function serverDepsOf(config: Config, s: AppServices, app: AppDeps): ServerDeps {
  const { logger, settings, checks } = s;
  return {
    config,
    app,
    jobs: {
      checks,
      recovery: s.recovery,
      settings,
      sessionStore: s.sessionStore,
      requestLogs: s.requestLogs,
      jobKeys: s.jobKeys,
      logRetentionDays: config.proxy.logRetentionDays,
      logger,
      // Issue 14, alert engine: its tick starts and stops with the scheduled jobs.
      alerts: s.alerts,
    },
    banner: { config, generatedAccessKey: s.generatedAccessKey, mustChangePassword: () => s.adminAuth.mustChangePassword() },
    logger,
    accessKeyShown: () => s.accessKey.markShown(),
    stopProxy: () => s.proxy.stopAll(),
    close: () => s.close(),
    // prom-client loads once the start's background work is done, not before the first /v1 answer (metrics.ts).
    started: () => s.poolOpened().then(() => s.metrics.prepare()),
  };
}

/** The /v1 proxy and what it keeps in memory: the key pool (kept in step with the store), logs, metrics. */
function createProxyStack(
  config: Config,
  settings: SettingsService,
  keyStore: KeyStore,
  keys: KeyService,
  accessKey: AccessKeyService,
  requestLogs: RequestLogStore,
  prices: PriceBook,
  logger: Logger,
  poolGauges: () => PoolGauges,
  clientParts: { store: ClientStore; registry: ClientRegistry },
  coolingParts: { cooling: AccountCooling; store: CoolingStore },
  jobKeys: JobKeyStore,
) {
  const pool = new KeyPool(settings.get().keyStrategy);
  const { cooling } = coolingParts;
  const coolingView = new CoolingView(cooling, () => pool.all());
  const coolingSync = new CoolingSync(coolingParts.store, cooling, logger);
  useLedgerSettings(pool, settings.get());
  const localLimits = new LocalLimits();
  localLimits.useLines(settings.get().accountLimits);
  // What keeps an account from a model for a while; the pool asks each on every pick.
  pool.useBlocks([
    cooling, // SiliconFlow's 429s, until the limit they name resets
    localLimits, // the admin's local budgets (ACCOUNT_LIMITS)
  ]);
  const sync = new PoolSync(keyStore, keys, pool, logger);
  sync.start();
  coolingSync.start();
  const upstream = new UpstreamClient(config.siliconflowBaseUrl, settings.get().connectTimeoutMs);
  settings.on('change', (s, changed) => {
    if (changed.includes('keyStrategy')) pool.useStrategy(s.keyStrategy);
    if (changed.includes('minBalance') || changed.includes('paidRecheckMinutes')) useLedgerSettings(pool, s);
    if (changed.includes('connectTimeoutMs')) upstream.setConnectTimeout(s.connectTimeoutMs);
    if (changed.includes('accountLimits')) localLimits.useLines(s.accountLimits);
  });
  const clientSync = new ClientSync(clientParts.store, clientParts.registry, logger);
  clientSync.start();
  const clients = new ClientGate({
    registry: clientParts.registry,
    isAccessKey: (token) => accessKey.matches(token),
    isPriced: (model) => prices.priceOf(model) !== undefined,
    freeModels: () => settings.get().freeModels,
    clientAddress: clientAddressResolver(config.trustProxy),
  });
  const logWriter = new RequestLogWriter(requestLogs, logger);
  // Issue 14, alert engine: the back-off is built here and handed out, so the engine reads its time left per reason.
  const backoff = new PoolBackoff();
  const metrics = new ProxyMetrics(
    () => pool.counts(),
    poolGauges,
    () => coolingView.coolingKeys(),
  );
  const handler = createProxyHandler({
    clients,
    settings: () => settings.get(),
    limits: config.proxy,
    pool,
    localLimits,
    cooling,
    backoff,
    cors: new CorsPolicy(config.corsOrigins),
    upstream,
    prices,
    logs: logWriter,
    metrics,
    logger,
    jobs: new JobAffinity({ store: jobKeys, pool, logger }),
    heartbeats: new Heartbeats(config.proxy.heartbeatMs),
  });
  const flush = () => {
    sync.flush();
    coolingSync.flush();
    clientSync.flush();
    logWriter.flush();
  };
  const stop = async () => {
    sync.stop();
    coolingSync.stop();
    clientSync.stop();
    logWriter.close();
    await upstream.close();
  };
  return { pool, localLimits, coolingView, logWriter, metrics, handler, flush, stop, backoff, opened: () => sync.opened() };
}

/** What the pool takes from the ledger's settings: MIN_BALANCE in nano-yuan, PAID_RECHECK_MINUTES in ms. */
function useLedgerSettings(pool: KeyPool, s: Readonly<RuntimeSettings>): void {
  pool.useMinBalance(parseYuan(s.minBalance)!);
  pool.usePaidRecheck(s.paidRecheckMinutes * 60_000);
}

const CHECK_STATE = 'encryption.check';
const CHECK_TEXT = 'siliconflow-api-management';

/** Refuses to start with an ENCRYPTION_KEY other than the one the stored keys were encrypted with. */
function assertCipherMatches(state: AppState, cipher: KeyCipher) {
  const stored = state.get(CHECK_STATE);
  if (stored === undefined) {
    state.set(CHECK_STATE, cipher.encrypt(CHECK_TEXT));
    return;
  }
  try {
    if (cipher.decrypt(Buffer.from(stored)) === CHECK_TEXT) return;
  } catch {
    // fall through
  }
  throw new ConfigError(
    'ENCRYPTION_KEY does not match the key this database was encrypted with (set it back, or restore data/secrets.json)',
  );
}
