import initial from './0001-initial.js';

/** Applied in order; the position in this list is the schema version (PRAGMA user_version). */
export const migrations: readonly { name: string; sql: string }[] = [{ name: '0001-initial', sql: initial }];
