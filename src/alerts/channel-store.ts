import type { KeyCipher } from '../crypto/key-cipher.js';
import type { Db } from '../db/database.js';
import type { AlertEvent, Severity } from './alert-types.js';
import type { ChannelType } from './channels/channel-types.js';

/** A channel as the delivery side uses it: URL and secret decrypted (never in a view, a log or an error). */
export type Channel = {
  id: number;
  name: string;
  type: ChannelType;
  url: string;
  secret: string | null;
  events: AlertEvent[] | null;
  minSeverity: Severity;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
};

/** What the admin sets: everything but the id and the times. */
export type ChannelSettings = Omit<Channel, 'id' | 'createdAt' | 'updatedAt'>;

type ChannelRow = {
  id: number;
  name: string;
  type: ChannelType;
  url_enc: Buffer;
  secret_enc: Buffer | null;
  events: string | null;
  min_severity: Severity;
  enabled: number;
  created_at: number;
  updated_at: number;
};

/** The `alert_channels` table (migration 0013): the URL and the secret are stored encrypted with the keys' cipher. */
export class ChannelStore {
  private readonly listStmt;
  private readonly getStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;

  constructor(
    db: Db,
    private readonly cipher: Pick<KeyCipher, 'encrypt' | 'decrypt'>,
  ) {
    this.listStmt = db.prepare<[], ChannelRow>('SELECT * FROM alert_channels ORDER BY id');
    this.getStmt = db.prepare<[number], ChannelRow>('SELECT * FROM alert_channels WHERE id = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO alert_channels (name, type, url_enc, secret_enc, events, min_severity, enabled, created_at, updated_at)
       VALUES (@name, @type, @url_enc, @secret_enc, @events, @min_severity, @enabled, @now, @now)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE alert_channels SET name = @name, url_enc = @url_enc, secret_enc = @secret_enc, events = @events,
         min_severity = @min_severity, enabled = @enabled, updated_at = @now WHERE id = @id`,
    );
    this.deleteStmt = db.prepare<[number]>('DELETE FROM alert_channels WHERE id = ?');
  }

  list(): Channel[] {
    return this.listStmt.all().map((row) => this.fromRow(row));
  }

  get(id: number): Channel | undefined {
    const row = this.getStmt.get(id);
    return row && this.fromRow(row);
  }

  create(settings: ChannelSettings, now = Date.now()): Channel {
    const id = Number(this.insertStmt.run({ ...this.toRow(settings), type: settings.type, now }).lastInsertRowid);
    return this.get(id)!;
  }

  /** Replaces the channel's settings (its type stays); undefined when there is no such channel. */
  update(id: number, settings: ChannelSettings, now = Date.now()): Channel | undefined {
    if (this.updateStmt.run({ ...this.toRow(settings), id, now }).changes === 0) return undefined;
    return this.get(id);
  }

  /** False when there was no such channel. Its deliveries stay (channel_id becomes NULL). */
  remove(id: number): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }

  private toRow(s: ChannelSettings) {
    return {
      name: s.name,
      url_enc: this.cipher.encrypt(s.url),
      secret_enc: s.secret === null ? null : this.cipher.encrypt(s.secret),
      events: s.events === null ? null : JSON.stringify(s.events),
      min_severity: s.minSeverity,
      enabled: s.enabled ? 1 : 0,
    };
  }

  private fromRow(row: ChannelRow): Channel {
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      url: this.cipher.decrypt(row.url_enc),
      secret: row.secret_enc === null ? null : this.cipher.decrypt(row.secret_enc),
      events: row.events === null ? null : (JSON.parse(row.events) as AlertEvent[]),
      minSeverity: row.min_severity,
      enabled: row.enabled === 1,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
