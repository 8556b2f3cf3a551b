#!/usr/bin/env node
/**
 * Starts the packaged system (the folder `npm run package:simple` builds): `node scripts/start-direct.js`,
 * or double-click start.bat on Windows. Checks the Node.js version and the installed dependencies with
 * a plain message, creates .env from .env.example on the first run, starts the server (which prints
 * the URLs) and, on Windows, opens the user page in the browser (OPEN_BROWSER=false stops that).
 *
 * Plain JavaScript with only Node's built-in modules at the top and no newer syntax (no top-level
 * await, no ?. or ??), so an old Node.js gets the message instead of a syntax or import error.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Compares dotted versions: true when `actual` is at least `minimum`. */
function atLeast(actual, minimum) {
  const a = actual.split('.').map(Number);
  const m = minimum.split('.').map(Number);
  for (let i = 0; i < m.length; i++) {
    if ((a[i] || 0) !== m[i]) return (a[i] || 0) > m[i];
  }
  return true;
}

function fail(lines) {
  for (const line of lines) console.error(line);
  process.exit(1);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const declared = /(\d+(?:\.\d+)*)/.exec((pkg.engines && pkg.engines.node) || '');
const minimum = declared ? declared[1] : '20.19';
if (!atLeast(process.versions.node, minimum)) {
  fail([
    `Node.js ${minimum} or newer is required; this is Node.js ${process.versions.node}. Install a current LTS from https://nodejs.org/ and start again.`,
    `需要 Node.js ${minimum} 或更高版本，当前是 ${process.versions.node}。请从 https://nodejs.org/ 安装最新的 LTS 版本后重新启动。`,
  ]);
}

const entry = join(root, 'build', 'src', 'launch.js');
if (!existsSync(entry)) {
  fail([
    `This folder is incomplete: ${entry} is missing. Build the package again with \`npm run package:simple\`.`,
    `文件夹不完整：缺少 ${entry}。请用 \`npm run package:simple\` 重新打包。`,
  ]);
}
if (!existsSync(join(root, 'node_modules', 'better-sqlite3'))) {
  fail([
    `The dependencies are not installed. In ${root} run: npm install --omit=dev`,
    `依赖尚未安装。请在 ${root} 中运行：npm install --omit=dev`,
  ]);
}

const envFile = join(root, '.env');
const envExample = join(root, '.env.example');
if (!existsSync(envFile) && existsSync(envExample)) {
  copyFileSync(envExample, envFile);
  console.log(`Created ${envFile} from .env.example: edit it to change the port, the admin password and more.`);
  console.log(`已根据 .env.example 创建 ${envFile}：可在其中修改端口、管理员密码等设置。`);
}

process.chdir(root);
import(pathToFileURL(entry).href).then(({ launch }) => {
  const server = launch();
  server.once('listening', () => {
    if (process.platform !== 'win32' || /^(false|0|no)$/i.test(process.env.OPEN_BROWSER || '')) return;
    const url = `http://localhost:${server.address().port}/`;
    // url.dll's handler opens the default browser without cmd's quoting rules.
    spawn('rundll32', ['url.dll,FileProtocolHandler', url], { detached: true, stdio: 'ignore' })
      .on('error', () => console.log(`Open ${url} in your browser.`))
      .unref();
  });
});
