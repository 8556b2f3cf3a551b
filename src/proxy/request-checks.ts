/**
 * What a /v1 request may ask for before anything goes to SiliconFlow (issue 9, "Hardening"). Every
 * check here runs on each request: they are a switch or a scan of the few characters of the path.
 */

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
