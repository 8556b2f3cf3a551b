import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/database.js';
import { migrations } from '../../src/db/migrations/index.js';

describe('migration 0009 (account cooling)', () => {
  it("turns keys stored as 'cooling' into active ones, and adds the account_cooling table", () => {
    const db = new Database(':memory:');
    const upTo = migrations.findIndex((m) => m.name === '0009-account-cooling');
    for (const [i, m] of migrations.slice(0, upTo).entries()) {
      db.exec(m.sql);
      db.pragma(`user_version = ${i + 1}`);
    }
    const insert = db.prepare(
      'INSERT INTO keys (key_cipher, key_hash, masked, status, cooling_until, created_at) VALUES (?, ?, ?, ?, ?, 1)',
    );
    insert.run(Buffer.alloc(1), 'a', 'm', 'cooling', 5000);
    insert.run(Buffer.alloc(1), 'b', 'm', 'invalid', null);
    migrate(db);
    expect(db.prepare('SELECT status, cooling_until FROM keys ORDER BY id').all()).toEqual([
      { status: 'active', cooling_until: null },
      { status: 'invalid', cooling_until: null },
    ]);
    db.prepare("INSERT INTO account_cooling (account, model, until, limit_name, reason) VALUES ('x', '', 1, NULL, 'HTTP 429')").run();
    expect(() =>
      db.prepare("INSERT INTO account_cooling (account, model, until, limit_name, reason) VALUES ('x', '', 2, 'RPM', 'again')").run(),
    ).toThrow(/UNIQUE|PRIMARY KEY/);
  });
});
