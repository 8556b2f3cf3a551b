import type { IncomingMessage } from 'node:http';
import type { RequestLogEntry } from '../logs/request-log-types.js';

/** A client request's log row as it starts: the Exchange fills in the rest as it goes. */
export function newLogEntry(req: IncomingMessage, time: number): RequestLogEntry {
  return {
    time,
    method: req.method ?? 'GET',
    path: (req.url ?? '/').split('?')[0]!,
    model: null,
    requestedModel: null,
    stream: false,
    status: 0,
    keyId: null,
    clientId: null,
    attempts: 0,
    firstByteMs: null,
    totalMs: 0,
    promptTokens: null,
    completionTokens: null,
    totalTokens: null,
    // Nothing is billed unless SiliconFlow serves the request (Exchange.charge then says what it cost).
    costNano: 0,
    giftNano: 0,
    paidNano: 0,
    errorClass: null,
  };
}
