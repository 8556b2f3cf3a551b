import type { AlertEvent } from '../alert-types.js';
import { checkFailed, clientBudget, defaultPassword } from './admin.js';
import type { Detector } from './detector.js';
import { keysLow, keysTurned } from './keys.js';
import { ipBlocked, modelCooling, poolBackoff } from './pool.js';
import { runwayLow } from './runway.js';

/** Each event's detector: what of the snapshot makes it hold, and for which subjects. */
export const DETECTORS: Record<AlertEvent, Detector> = {
  'keys-low': keysLow,
  'runway-low': runwayLow,
  'keys-invalid': keysTurned('invalid'),
  'keys-exhausted': keysTurned('exhausted'),
  'model-cooling': modelCooling,
  'ip-blocked': ipBlocked,
  'pool-backoff': poolBackoff,
  'check-failed': checkFailed,
  'client-budget': clientBudget,
  'default-password': defaultPassword,
};
