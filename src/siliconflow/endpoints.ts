/** The SiliconFlow paths this project calls or withholds itself (docs/siliconflow.md, "Endpoints"). */

/** The legacy balance endpoint, retired in 2026 (user-info.ts); the proxy withholds it from clients. */
export const USER_INFO_PATH = '/v1/user/info';
/** The model list: 200 proves a key is accepted, even with no money, now that user/info is retired. */
export const MODELS_PATH = '/v1/models';
