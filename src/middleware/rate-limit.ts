import rateLimit, { type Options } from 'express-rate-limit';

/**
 * A limit per client IP, as Express sees it (TRUST_PROXY decides whether X-Forwarded-For counts).
 * express-rate-limit's check for an X-Forwarded-For header that is not trusted is off: with the
 * default TRUST_PROXY=false any client can send one, and ignoring it is exactly what we want.
 */
export function ipRateLimit(options: Pick<Options, 'windowMs' | 'limit' | 'handler'> & Partial<Pick<Options, 'skipSuccessfulRequests'>>) {
  return rateLimit({
    ...options,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false },
  });
}
