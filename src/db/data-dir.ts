import { accessSync, constants, mkdirSync } from 'node:fs';
import { currentUser, DATA_SECTION, DataError, fsReason } from '../fs-errors.js';

/**
 * Creates DATA_DIR when missing and checks the server may write there, before anything is read:
 * a folder that cannot be created or written is named, with why (by the error's code), as whom, and
 * where the README explains it — instead of the first failing file call's bare message.
 */
export function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new DataError(`cannot create the data folder ${dir}: ${fsReason(err)}; the server runs as ${currentUser()}; ${DATA_SECTION}`);
  }
  try {
    // Root passes this whatever the mode says, except on a read-only file system (EROFS).
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new DataError(`the data folder ${dir} is not writable: ${fsReason(err)}; the server runs as ${currentUser()}; ${DATA_SECTION}`);
  }
}
