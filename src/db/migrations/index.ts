import initial from './0001-initial.js';
import proxyKeyState from './0002-proxy-key-state.js';
import requestLogs from './0003-request-logs.js';
import ledger from './0004-ledger.js';
import clients from './0005-clients.js';
import selfIssuedClients from './0006-self-issued-clients.js';
import requestedModel from './0007-requested-model.js';
import keyAccounts from './0008-key-accounts.js';
import accountCooling from './0009-account-cooling.js';
// Issue 13, recovery: the history of each key's status (migration 0010).
import keyEvents from './0010-key-events.js';
import jobKeys from './0011-job-keys.js';
// Issue 14, alert engine: rules and incidents (migration 0012).
import alerts from './0012-alerts.js';
// Issue 14, delivery: alert channels and the delivery log (migration 0013).
import alertChannels from './0013-alert-channels.js';
import spendMinutes from './0014-spend-minutes.js';

/** Applied in order; the position in this list is the schema version (PRAGMA user_version). */
export const migrations: readonly { name: string; sql: string }[] = [
  { name: '0001-initial', sql: initial },
  { name: '0002-proxy-key-state', sql: proxyKeyState },
  { name: '0003-request-logs', sql: requestLogs },
  { name: '0004-ledger', sql: ledger },
  { name: '0005-clients', sql: clients },
  { name: '0006-self-issued-clients', sql: selfIssuedClients },
  { name: '0007-requested-model', sql: requestedModel },
  { name: '0008-key-accounts', sql: keyAccounts },
  { name: '0009-account-cooling', sql: accountCooling },
  { name: '0010-key-events', sql: keyEvents },
  { name: '0011-job-keys', sql: jobKeys },
  { name: '0012-alerts', sql: alerts }, // Issue 14, alert engine
  { name: '0013-alert-channels', sql: alertChannels }, // Issue 14, delivery
  { name: '0014-spend-minutes', sql: spendMinutes }, // Issue 15, the runway's spend per minute
];
