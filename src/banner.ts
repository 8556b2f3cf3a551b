import type { Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { Config } from './config/env.js';

export type BannerDeps = {
  config: Pick<Config, 'host' | 'port' | 'dataDir'>;
  /** The access key generated at this start, until a banner has shown it (see AccessKeyService.init). */
  generatedAccessKey: string | undefined;
  mustChangePassword: () => boolean;
};

/** What a start prints once it listens: where to go, where the data is, and what to do first. */
export function banner(deps: BannerDeps, server: Server, extra: string[]): string {
  const { config } = deps;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${displayHost(config.host)}:${port}`;
  const lines = [
    '',
    'SiliconFlow API Management is running / 服务已启动',
    `  User page  用户页面:   ${base}/`,
    `  Admin      管理后台:   ${base}/admin`,
    `  API base   接口地址:   ${base}/v1`,
    ...(isWildcard(config.host) ? lanAddresses().map((ip) => `  Network    局域网:     http://${ip}:${port}/`) : []),
    `  Data       数据目录:   ${config.dataDir}`,
    ...extra,
    '',
    ...accessKeyLines(deps.generatedAccessKey),
  ];
  if (deps.mustChangePassword()) {
    lines.push(
      '',
      `  ! The admin password is the default "admin": sign in at ${base}/admin and change it now.`,
      '  ! 管理员密码仍是默认的 "admin"，请立即登录管理后台修改。',
    );
  }
  return lines.join('\n') + '\n';
}

/** The generated key until a banner has shown it (see AccessKeyService.init); from then on, where to see it. */
function accessKeyLines(generated: string | undefined): string[] {
  if (generated) {
    return [
      `  Access key 访问密钥 (generated, shown once / 已生成，仅显示这一次): ${generated}`,
      '  Clients use it as their API key for /v1. The admin can show or rotate it later.',
    ];
  }
  return [
    '  Access key 访问密钥: see /admin → Settings, or GET /admin/api/access-key (signed in as the admin)',
    '  访问密钥可在管理后台「设置」中查看，或以管理员身份请求 GET /admin/api/access-key',
  ];
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';

function displayHost(host: string): string {
  return isWildcard(host) ? 'localhost' : host;
}

/** This machine's IPv4 addresses other machines can reach it on (listening on every interface): what a LAN user types. */
export function lanAddresses(interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): string[] {
  return Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
}
