/**
 * Starts the local fake SiliconFlow, seeded with the demo keys.
 *   FAKE_PORT (default 8787), FAKE_HOST (default 127.0.0.1)
 *   FAKE_RECORD=0          keep no request log in memory (for load tests such as `npm run bench`)
 *   FAKE_ACCEPT_ANY_KEY=1  serve unknown keys like an 'ok' key instead of answering 401
 * Stops on SIGINT/SIGTERM.
 */
import { demoKeys } from '../tests/support/fake-siliconflow/demo-keys.js';
import { maskKey, startFakeSiliconFlow, type FakeKeyState } from '../tests/support/fake-siliconflow/index.js';
import { addMoney } from '../tests/support/fake-siliconflow/keys.js';

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return 8787;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`FAKE_PORT must be an integer between 0 and 65535, got "${value}"`);
    process.exit(1);
  }
  return port;
}

/** Balances only for keys whose user/info answers 200; for the others they are never seen. */
function describe(key: string, state: Partial<FakeKeyState>): string {
  const behavior = state.behavior ?? 'ok';
  const line = `  ${maskKey(key)}  ${behavior.padEnd(14)}`;
  if (!['ok', 'exhausted', 'gift-only'].includes(behavior)) return line;
  const gift = state.balance ?? '14.00';
  const paid = state.chargeBalance ?? '0.00';
  const money = `gift ${gift.padStart(7)}  paid ${paid.padStart(7)}  total ${addMoney(gift, paid).padStart(7)}`;
  const status = behavior === 'exhausted' ? `  (billable calls → HTTP ${state.exhaustedStatus ?? 402})` : '';
  return `${line}  ${money}${status}`;
}

async function main(): Promise<void> {
  const keys = demoKeys();
  const fake = await startFakeSiliconFlow({
    port: readPort(process.env.FAKE_PORT),
    host: process.env.FAKE_HOST || '127.0.0.1',
    keys,
    record: process.env.FAKE_RECORD !== '0',
    acceptAnyKey: process.env.FAKE_ACCEPT_ANY_KEY === '1',
  });
  console.log(`Fake SiliconFlow listening on ${fake.url} (API base: ${fake.url}/v1)`);
  if (process.env.FAKE_RECORD === '0') console.log('FAKE_RECORD=0: requests are not recorded');
  if (process.env.FAKE_ACCEPT_ANY_KEY === '1') console.log("FAKE_ACCEPT_ANY_KEY=1: unknown keys are served like 'ok' keys");
  console.log(`Control: GET ${fake.url}/_fake/state · POST ${fake.url}/_fake/keys · POST ${fake.url}/_fake/user-info-mode`);
  console.log(`${Object.keys(keys).length} demo keys (full values: demoKeys() in tests/support/fake-siliconflow/demo-keys.ts):`);
  for (const [key, state] of Object.entries(keys)) console.log(describe(key, state));

  const stop = (signal: NodeJS.Signals): void => {
    console.log(`${signal} received, stopping the fake`);
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('fake-siliconflow failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
