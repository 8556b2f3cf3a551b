/**
 * What a /v1 request may ask for before anything goes to SiliconFlow (issue 9, "Hardening"). Every
 * check here runs on each request: they are a switch or a scan of the few characters of the path.
 */
import { USER_INFO_PATH } from '../siliconflow/endpoints.js';

/** The methods SiliconFlow's API uses, plus OPTIONS, which the proxy answers itself (CORS). */
export const ALLOW = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';

/** TRACE, TRACK, CONNECT, HEAD, WebDAV's PROPFIND and the like have no business with the API: 405. */
export function isForwardedMethod(method: string | undefined): boolean {
  switch (method) {
    case 'GET':
    case 'POST':
    case 'PUT':
    case 'PATCH':
    case 'DELETE':
      return true;
    default:
      return false;
  }
}

const DOT = 46;
const PERCENT = 37;
const BACKSLASH = 92;
const HASH = 35;

/**
 * True when the path (not the query) could leave `/v1/` once SiliconFlow, or a gateway in front of it,
 * resolves it: a `.` or `..` segment (raw or percent-encoded in any case, also `..;` as Tomcat and
 * Jetty read it), a backslash, an encoded slash or backslash, or a `#`. What is forwarded is then
 * always `<SILICONFLOW_BASE_URL path>/v1/…`. Most paths contain none of `.`, `%`, `\` or `#`, and
 * cost a scan of their characters.
 */
export function leavesV1(url: string): boolean {
  const end = pathEnd(url);
  for (let i = 0; i < end; i++) {
    const c = url.charCodeAt(i);
    if (c === DOT || c === PERCENT || c === BACKSLASH || c === HASH) return hasEscape(url.slice(0, end));
  }
  return false;
}

function pathEnd(url: string): number {
  const query = url.indexOf('?');
  return query < 0 ? url.length : query;
}

function hasEscape(path: string): boolean {
  if (path.includes('\\') || path.includes('#')) return true;
  const lower = path.toLowerCase();
  if (lower.includes('%2f') || lower.includes('%5c')) return true;
  for (const segment of lower.replaceAll('%2e', '.').split('/')) {
    const name = segment.split(';', 1)[0];
    if (name === '.' || name === '..') return true;
  }
  return false;
}

/**
 * USER_INFO_PATH, also as `/v1/user/info/`, `/v1//user/info?x`, `/v1/User/INFO`: `^/v1/+user/+info/*(?:\?|$)`
 * in any case. Compiled once, and it fails at the fifth character for every other path.
 */
const USER_INFO = new RegExp(`^/${USER_INFO_PATH.slice(1).split('/').join('/+')}/*(?:\\?|$)`, 'i');

/**
 * /v1/user/info answers with the pool account's e-mail, name and balances: not for access-key holders
 * (the balance check calls SiliconFlow directly). A percent-encoded spelling (`/v1/user/%69nfo`) is
 * decoded first, as the upstream would.
 */
export function isUserInfo(url: string): boolean {
  if (USER_INFO.test(url)) return true;
  const end = pathEnd(url);
  const percent = url.indexOf('%');
  if (percent < 0 || percent > end) return false;
  try {
    return USER_INFO.test(decodeURIComponent(url.slice(0, end)));
  } catch {
    return false; // a malformed escape is no path the upstream resolves to user/info either
  }
}
