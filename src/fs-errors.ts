import { userInfo } from 'node:os';

/** Where start-up errors about the data folder send the reader: the README explains it, backups and restoring. */
export const DATA_SECTION = 'see the README section "数据与备份 / Data and backups"';

/** What a file-system error code means, in words a person setting up a server can act on. */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOENT: 'it does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'a file of that name is in the way',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EBUSY: 'it is in use by another program',
};

/** Why a file operation failed, chosen by the error's code (never by its message text), e.g. "permission denied (EACCES)". */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  return code ? `${(err as Error).message} (${code})` : String((err as Error).message ?? err);
}

/** Who this process runs as, for "this user needs access" messages: `"sfam" (uid 998)`. */
export function currentUser(): string {
  const uid = process.getuid?.();
  try {
    const name = `"${userInfo().username}"`;
    return uid === undefined ? name : `${name} (uid ${uid})`;
  } catch {
    // A uid without a passwd entry (docker run --user 1234) has no name.
    return uid === undefined ? 'the current user' : `uid ${uid}`;
  }
}

/**
 * The server cannot use the data it keeps (an unreadable secrets.json, a read-only data folder, a
 * damaged database): printed as one line at start, and the message says what to do.
 */
export class DataError extends Error {
  override name = 'DataError';
}
