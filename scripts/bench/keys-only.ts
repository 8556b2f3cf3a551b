/**
 * Issue 15's target 2 alone (keys-at-scale.ts), without the rest of `npm run bench`:
 *   npx tsx scripts/bench/keys-only.ts      BENCH_KEYS_ROUNDS (3)  BENCH_KEYS (100000)  BENCH_KEYS_IDLE (30 s)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { stopAllChildren } from './children.js';
import { KEYS_AT_SCALE, measureKeysAtScale } from './keys-at-scale.js';
import { progress, startChild } from './server.js';
import { targetLines } from './targets.js';

const workDir = mkdtempSync(join(os.tmpdir(), 'sfm-bench-keys-'));
const whole = (name: string, fallback: number) => Number(process.env[name] || fallback);

async function main(): Promise<void> {
  progress('compiling (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const fake = await startChild('fake SiliconFlow', ['build/scripts/fake-siliconflow.js'], /listening on (http:\/\/\S+) /, {
    FAKE_PORT: '0',
    FAKE_RECORD: '0',
    FAKE_ACCEPT_ANY_KEY: '1',
  });
  const checks = await measureKeysAtScale(fake.url, workDir, {
    rounds: whole('BENCH_KEYS_ROUNDS', KEYS_AT_SCALE.rounds),
    keys: whole('BENCH_KEYS', KEYS_AT_SCALE.keys),
    idleSeconds: whole('BENCH_KEYS_IDLE', KEYS_AT_SCALE.idleSeconds),
  });
  console.log(targetLines(checks));
}

main()
  .catch((err: unknown) => {
    console.error(`benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAllChildren();
    rmSync(workDir, { recursive: true, force: true });
  });
