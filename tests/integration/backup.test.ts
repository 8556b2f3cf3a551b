import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDataDir } from '../../src/db/backup.js';
import { fakeKey, signIn, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
afterEach(() => t.close());

describe('backup', () => {
  it('copies the live database and secrets.json; a server started on the copy has every key', async () => {
    t = await startTestApp();
    t.ctx.keys.import([1, 2, 3].map(fakeKey).join('\n'));
    t.ctx.keys.update(1, { note: 'before the backup' });
    const folder = await backupDataDir(t.dataDir, join(t.dataDir, 'backups'));
    expect(readdirSync(folder).sort()).toEqual(['secrets.json', 'siliconflow.db']);

    // Restore = a DATA_DIR holding those two files.
    const restored = t.restart({ DATA_DIR: folder });
    const admin = await signIn(restored.app);
    const exported = await admin.agent.get('/admin/api/keys/export?format=txt');
    expect(exported.text.trim().split('\n').sort()).toEqual([1, 2, 3].map(fakeKey).sort());
    expect(restored.ctx.keys.get(1).note).toBe('before the backup');
  });
});
