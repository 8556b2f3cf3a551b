import { z } from 'zod';
import { optionalText } from '../kinds.js';
import { folder } from '../parsers.js';
import { envSetting } from '../setting.js';

/** Where the data lives, and the secrets that protect it (generated into DATA_DIR/secrets.json when unset: config/secrets.ts). */
export const storageSettings = [
  envSetting({
    name: 'dataDir',
    env: 'DATA_DIR',
    group: 'main',
    kind: folder(),
    default: './data',
    help: {
      zh: 'SQLite 数据库和自动生成的密钥文件所在目录（相对于项目目录）',
      en: 'Where the SQLite database and generated secrets live (relative to the project folder)',
    },
  }),
  envSetting({
    name: 'sessionSecret',
    env: 'SESSION_SECRET',
    group: 'main',
    kind: optionalText(z.string().min(32, 'must be at least 32 characters')),
    default: '',
    secret: true,
    help: {
      zh: '会话 cookie 签名密钥（至少 32 个字符）。留空则生成到 `DATA_DIR/secrets.json`',
      en: 'Signs session cookies (at least 32 characters). Generated into `DATA_DIR/secrets.json` when empty',
    },
  }),
  // Checked by parseEncryptionKey (config/secrets.ts) when the keys are opened, like the one secrets.json holds,
  // not here: npm run backup reads the configuration but never the keys.
  envSetting({
    name: 'encryptionKey',
    env: 'ENCRYPTION_KEY',
    group: 'main',
    kind: optionalText(),
    default: '',
    secret: true,
    help: {
      zh: '加密存储密钥用的主密钥：32 字节，写成 64 个十六进制字符或 base64。留空则生成到 `DATA_DIR/secrets.json`。**丢失它，已存的密钥就无法解密：请备份**',
      en: 'Encrypts the keys at rest: 32 bytes as 64 hex characters or base64. Generated into `DATA_DIR/secrets.json` when empty. **Losing it makes the stored keys unreadable: back it up**',
    },
  }),
] as const;
