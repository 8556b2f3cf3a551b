/**
 * A local fake of the SiliconFlow API (docs/siliconflow.md) for tests, the benchmark and the demo:
 * a real node:http server whose keys can be told to answer like valid, invalid, exhausted,
 * gift-only, rate-limited, overloaded, failing, resetting or hanging upstream accounts, and whose
 * accounts pay for what they use with their own copy of the prices (billing.ts).
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { AccountLimits } from './account-limits.js';
import { FakeJobs } from './jobs.js';
import { KeyStore, maskKey } from './keys.js';
import { requireNano } from './money.js';
import { FakeTariff } from './prices.js';
import { handleRequest, onHandlerError } from './router.js';
import type { FakeRuntime } from './runtime.js';
import type { FakeSiliconFlow, RecordedRequest, StartFakeSiliconFlowOptions } from './types.js';

export type {
  FakeBalances,
  FakeCharge,
  FakeKeyBehavior,
  FakePriceText,
  FakeKeyState,
  FakeSiliconFlow,
  RecordedRequest,
  StartFakeSiliconFlowOptions,
  UserInfoMode,
} from './types.js';
export { FAKE_KEY_BEHAVIORS, USER_INFO_MODES } from './types.js';
export { maskKey } from './keys.js';

export async function startFakeSiliconFlow(opts: StartFakeSiliconFlowOptions = {}): Promise<FakeSiliconFlow> {
  const abort = new AbortController();
  const rt: FakeRuntime = {
    keys: new KeyStore({ acceptAnyKey: opts.acceptAnyKey ?? false }),
    accountLimits: new AccountLimits(),
    tariff: tariffFrom(opts),
    requests: [] as RecordedRequest[],
    record: opts.record ?? true,
    fillMaxTokens: opts.fillMaxTokens ?? false,
    signal: abort.signal,
    baseUrl: '',
    userInfoMode: opts.userInfoMode ?? 'ok',
    jobs: new FakeJobs(),
  };
  for (const [key, state] of Object.entries(opts.keys ?? {})) rt.keys.set(key, state);

  const server = createServer((req, res) => {
    handleRequest(rt, req, res).catch((err: unknown) => onHandlerError(err, res));
  });
  const sockets = trackSockets(server);
  const host = opts.host ?? '127.0.0.1';
  const port = await listen(server, opts.port ?? 0, host);
  rt.baseUrl = `http://${urlHost(host)}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: rt.baseUrl,
    port,
    setKey: (key, state) => rt.keys.set(key, state),
    removeKey: (key) => rt.keys.remove(key),
    getKey: (key) => rt.keys.get(key),
    balances: (key) => rt.keys.balances(key),
    topUp: (key, credit) => {
      const added = { gift: requireNano(credit.gift ?? '0', 'gift'), paid: requireNano(credit.paid ?? '0', 'paid') };
      if (!rt.keys.credit(key, added)) throw new Error(`fake-siliconflow: topUp of unknown key ${maskKey(key)}`);
    },
    setOvercharge: (factor) => rt.tariff.setOvercharge(factor),
    setPrice: (model, price) => rt.tariff.setPrice(model, price),
    limitAccount: (account, model, detail) => rt.accountLimits.set(account, model, detail),
    setUserInfoMode: (mode) => {
      rt.userInfoMode = mode;
    },
    requests: rt.requests,
    clearRequests: () => {
      rt.requests.length = 0; // in place: callers holding `requests` see it emptied
    },
    close: () => {
      closing ??= closeServer(server, sockets, abort);
      return closing;
    },
  };
}

function tariffFrom(opts: StartFakeSiliconFlowOptions): FakeTariff {
  const tariff = new FakeTariff();
  if (opts.overcharge !== undefined) tariff.setOvercharge(opts.overcharge);
  for (const [model, price] of Object.entries(opts.prices ?? {})) tariff.setPrice(model, price);
  return tariff;
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * SiliconFlow does not turn connections away: a burst of new ones (the benchmark's 2,000 streams
 * opened over 2 s, 1,000 a second) overflowed Node's default accept queue of 511 whenever the fake
 * was busy for half a second, and each dropped SYN cost its stream a second's retry.
 */
const ACCEPT_BACKLOG = 4096;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: ACCEPT_BACKLOG }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Hanging and delayed requests must not keep close() waiting: cancel the waits, destroy the sockets. */
function closeServer(server: Server, sockets: Set<Socket>, abort: AbortController): Promise<void> {
  abort.abort();
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
}

/** A URL host a client can dial: wildcard addresses become loopback, IPv6 gets brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
