import { accessSync, chmodSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * Takes the group's and others' access away from the data folder and the files that hold secrets:
 * the encrypted keys, the sessions and the key that decrypts them. New files are created private;
 * this covers installs made before (0755 folder, 0644 database). A file that cannot be changed (not
 * ours, or a file system without modes) is reported, not fatal: the server still works.
 */
export function tightenDataDir(dir: string, files: string[], warn: (message: string) => void): void {
  // Windows keeps no POSIX modes (its ACLs decide); Node maps these calls to the read-only flag only.
  if (process.platform === 'win32') return;
  for (const path of [dir, ...files.map((f) => join(dir, f))]) {
    let mode: number;
    try {
      mode = statSync(path).mode;
    } catch {
      continue; // not there (yet): it will be created private
    }
    if ((mode & 0o077) === 0) continue;
    try {
      chmodSync(path, mode & 0o700);
    } catch (err) {
      warn(`could not make ${path} private to its owner: ${fsReason(err)}`);
    }
  }
}
