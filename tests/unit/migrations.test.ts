import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/database.js';
import { migrations } from '../../src/db/migrations/index.js';

describe('migrations', () => {
  it('apply in order to an empty database and set user_version', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toBe(migrations.length);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['app_state', 'keys', 'sessions', 'settings']));
  });

  it('are idempotent: a second run changes nothing', () => {
    const db = new Database(':memory:');
    migrate(db);
    db.prepare("INSERT INTO settings (name, value, updated_at) VALUES ('pageSize', '30', 1)").run();
    migrate(db);
    expect(db.prepare('SELECT COUNT(*) FROM settings').pluck().get()).toBe(1);
  });

  it('refuse a database from a newer version of the program', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${migrations.length + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this program/);
  });

  it('reject a status outside the known set', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(() =>
      db.prepare("INSERT INTO keys (key_cipher, key_hash, masked, status, created_at) VALUES (x'00', 'h', 'm', 'bogus', 1)").run(),
    ).toThrow(/CHECK constraint/);
  });

  it('0014 fills the spend of each minute from the last 25 hours of request logs', () => {
    const db = new Database(':memory:');
    for (const [i, m] of migrations.slice(0, 13).entries()) {
      db.exec(m.sql);
      db.pragma(`user_version = ${i + 1}`);
    }
    const now = Date.now();
    const minute = (t: number) => t - (t % 60_000);
    const log = db.prepare(
      `INSERT INTO request_logs (time, method, path, status, key_id, attempts, total_ms, cost_nano, gift_nano, paid_nano)
       VALUES (?, 'POST', '/v1/chat/completions', 200, ?, 1, 100, ?, ?, ?)`,
    );
    const hourAgo = now - 3_600_000;
    log.run(hourAgo, 1, 30, 10, 20);
    log.run(hourAgo, 2, 5, 5, 0);
    log.run(hourAgo, 3, 7, null, null); // unsplit: in no credit
    log.run(now - 26 * 3_600_000, 1, 1_000, 1_000, 0); // older than the window: left out
    expect(migrate(db)).toBe(migrations.length);
    expect(db.prepare('SELECT minute, gift_nano AS gift, paid_nano AS paid FROM spend_minutes').all()).toEqual([
      { minute: minute(hourAgo), gift: 15, paid: 20 },
    ]);
  });

  it('0004 turns the REAL yuan balances a check recorded into exact nano-yuan user/info anchors', () => {
    const db = new Database(':memory:');
    // The schema as version 3 left it, with balances recorded as REAL yuan.
    for (const [i, m] of migrations.slice(0, 3).entries()) {
      db.exec(m.sql);
      db.pragma(`user_version = ${i + 1}`);
    }
    const insert = db.prepare(
      'INSERT INTO keys (key_cipher, key_hash, masked, gift_balance, charge_balance, total_balance, last_checked_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run(Buffer.alloc(1), 'a', 'm', 0.88, 88, 88.88, 500, 1);
    insert.run(Buffer.alloc(1), 'b', 'm', -0.01, 0, -0.01, 600, 1);
    insert.run(Buffer.alloc(1), 'c', 'm', null, null, null, null, 1);
    migrate(db);
    const rows = db.prepare('SELECT anchor_gift_nano, anchor_paid_nano, anchor_at, anchor_source FROM keys ORDER BY id').all();
    expect(rows).toEqual([
      { anchor_gift_nano: 880_000_000, anchor_paid_nano: 88_000_000_000, anchor_at: 500, anchor_source: 'user-info' },
      { anchor_gift_nano: -10_000_000, anchor_paid_nano: 0, anchor_at: 600, anchor_source: 'user-info' },
      { anchor_gift_nano: null, anchor_paid_nano: null, anchor_at: null, anchor_source: null },
    ]);
    const columns = db.prepare("SELECT name FROM pragma_table_info('keys')").pluck().all();
    expect(columns).not.toContain('total_balance');
  });
  it("0005 adds the clients table with the default client, and names the admin's key on every row logged before", () => {
    const db = new Database(':memory:');
    for (const [i, m] of migrations.slice(0, 4).entries()) {
      db.exec(m.sql);
      db.pragma(`user_version = ${i + 1}`);
    }
    db.prepare("INSERT INTO request_logs (time, method, path, status, total_ms) VALUES (1, 'POST', '/v1/chat/completions', 200, 5)").run();
    migrate(db);
    expect(db.prepare('SELECT client_id FROM request_logs').pluck().get()).toBe(0);
    expect(db.prepare('SELECT id, name, key_hash FROM clients').all()).toEqual([{ id: 0, name: 'default', key_hash: null }]);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'request_logs'").pluck().all();
    expect(indexes).toContain('request_logs_client_time');
  });
});
