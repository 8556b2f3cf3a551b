import { z } from 'zod';
import { optionalText, text } from '../kinds.js';
import { corsOrigins } from '../parsers.js';
import { envSetting } from '../setting.js';

/** The admin account, and who may call /v1. */
export const accessSettings = [
  envSetting({
    name: 'adminUsername',
    env: 'ADMIN_USERNAME',
    group: 'main',
    kind: text(z.string().max(64)),
    default: 'admin',
    help: { zh: '管理员用户名', en: 'Admin user name' },
  }),
  envSetting({
    name: 'adminPassword',
    env: 'ADMIN_PASSWORD',
    group: 'main',
    kind: text(z.string().max(256)),
    default: 'admin',
    secret: true,
    help: {
      zh: '管理员初始密码。为 `admin` 时会提示修改；一旦在管理接口改过，只认数据库里的哈希，此值被忽略',
      en: 'Initial admin password. While it is `admin` the admin is asked to change it; once changed through the admin API only the stored hash counts and this value is ignored',
    },
  }),
  envSetting({
    name: 'authApiKey',
    env: 'AUTH_API_KEY',
    group: 'main',
    kind: optionalText(z.string().min(16, 'must be at least 16 characters').max(256)),
    default: '',
    secret: true,
    help: {
      zh: '客户端调用 `/v1` 用的访问密钥（至少 16 个字符）。留空则首次启动时生成并打印一次；管理员轮换后以轮换的为准',
      en: 'The access key clients use for `/v1` (at least 16 characters). Empty: one is generated on first start and printed once. A key rotated by the admin wins',
    },
  }),
  envSetting({
    name: 'corsOrigins',
    env: 'CORS_ORIGINS',
    group: 'main',
    kind: corsOrigins(),
    default: '*',
    help: {
      zh: '哪些网页可以在浏览器里调用 `/v1`（CORS）：`*`（任何网页；`/v1` 只用访问密钥、不用 cookie）或逗号分隔的来源列表，如 `https://chat.example, http://localhost:3210`（`协议://主机[:端口]`，后面不能有路径）。管理接口和页面从不回答跨域请求',
      en: 'Which web pages may call `/v1` from a browser (CORS): `*` (any page; `/v1` uses the access key, never cookies) or a comma-separated list of origins such as `https://chat.example, http://localhost:3210` (`scheme://host[:port]`, no path after it). The admin API and the pages never answer cross-origin requests',
    },
  }),
] as const;
