import { createRequire } from 'node:module';
import type { Agent as UndiciAgent } from 'undici';

/**
 * undici's connection-pooling Agent, loaded from its own file rather than from undici's index. The
 * index loads all of undici (fetch, WebSocket, EventSource, caches, mocks) and adds its request API
 * to every dispatcher: 5.2 MB of heap kept for the process's life and ~125 ms of every start,
 * against 1.8 MB and ~45 ms for the Agent the /v1 proxy dispatches through (measured with node
 * --expose-gc, one module at a time). A bigger heap makes each full collection dearer, and under a
 * stream of large answers V8 runs them many times a second (issue 15). undici has no exports map, so
 * the path is reachable; the lockfile pins its version and every proxy test goes through it. Only
 * dispatch() is used: request() and the other API methods exist only once the index is loaded.
 */
export const Agent = createRequire(import.meta.url)('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;
export type Agent = UndiciAgent;
