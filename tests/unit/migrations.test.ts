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
});
