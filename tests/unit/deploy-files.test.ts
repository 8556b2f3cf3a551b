import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { projectRoot } from '../../src/paths.js';
import { PACKAGE_INPUTS } from '../../scripts/package.js';

/**
 * No Docker engine or systemd runs on the build machines, so these check what can be checked without
 * them: every file the Dockerfile copies exists and is not excluded from the build context, the
 * Dockerfile copies everything the package build reads, and the runtime settings agree across the
 * Dockerfile, docker-compose.yml, the systemd unit and the package layout.
 */

const read = (file: string) => readFileSync(join(projectRoot, file), 'utf8');

/** A stop waits up to SHUTDOWN_TIMEOUT_MS, then about a second to end the rest and flush: a service manager must wait longer before SIGKILL. */
const stopNeedsSeconds = loadConfig({}).shutdownTimeoutMs / 1000 + 2;

/** Dockerfile instructions with continuation lines joined, comments dropped, split into stages. */
function dockerStages(): string[][] {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: string[][] = [];
  for (const line of lines) {
    if (/^FROM /i.test(line)) stages.push([]);
    stages.at(-1)?.push(line);
  }
  return stages;
}

const dockerIgnored = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** The compiled path of a source file, as the package lays it out (build/src/x.js for src/x.ts). */
const compiledExists = (packagePath: string) => {
  const match = /^build\/(src|scripts)\/(.+)\.js$/.exec(packagePath);
  return match !== null && existsSync(join(projectRoot, match[1]!, `${match[2]}.ts`));
};

describe('Dockerfile', () => {
  const stages = dockerStages();
  const build = stages[0]!;
  const runtime = stages.at(-1)!;
  const instruction = (stage: string[], name: string) =>
    stage.filter((l) => l.toUpperCase().startsWith(name + ' ')).map((l) => l.slice(name.length + 1).trim());

  it('has a build stage and a slim runtime stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build[0]).toMatch(/^FROM node:20\S* AS build$/i);
    expect(runtime[0]).toMatch(/^FROM node:20[-\w]*slim$/i);
  });

  it('copies only files that exist and are in the build context, and everything the package build reads', () => {
    const sources = instruction(build, 'COPY')
      .filter((args) => !args.startsWith('--from'))
      .flatMap((args) => args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(projectRoot, source)), source).toBe(true);
      expect(dockerIgnored, source).not.toContain(source);
    }
    for (const input of PACKAGE_INPUTS) {
      const top = input.split('/')[0]!;
      expect(sources.includes(input) || sources.includes(top), `the Dockerfile does not copy ${input}`).toBe(true);
    }
    expect(build.some((l) => /^RUN npm run package:simple\b/.test(l))).toBe(true);
  });

  it('keeps secrets, the database and local installs out of the build context', () => {
    expect(dockerIgnored).toEqual(expect.arrayContaining(['.env', 'data', 'node_modules', 'build', 'dist']));
  });

  it('runs as a non-root user with data/ as a volume, a health check on /health and the compiled server', () => {
    const user = instruction(runtime, 'USER');
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)$/);

    const env = instruction(runtime, 'ENV').join(' ');
    const dataDir = /DATA_DIR=(\S+)/.exec(env)?.[1];
    const port = /PORT=(\d+)/.exec(env)?.[1];
    expect(dataDir).toBe('/app/data');
    expect(instruction(runtime, 'VOLUME').join(' ')).toContain(`"${dataDir}"`);
    expect(instruction(runtime, 'EXPOSE')).toEqual([port]);
    expect(instruction(runtime, 'HEALTHCHECK').join(' ')).toMatch(/CMD .*\/health/);

    // The data folder is private to that user (a named volume starts as a copy of it).
    const run = instruction(runtime, 'RUN').join(' ');
    expect(run).toContain(`chown ${user[0]}:${user[0]} ${dataDir}`);
    expect(run).toContain(`chmod 700 ${dataDir}`);

    const cmd = JSON.parse(instruction(runtime, 'CMD').at(-1)!) as string[];
    expect(cmd[0]).toBe('node');
    expect(compiledExists(cmd[1]!)).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  const compose = read('docker-compose.yml');

  it('keeps the data in a named volume mounted at the image data folder', () => {
    const mount = /^\s+- (\w[\w-]*):(\/\S+)$/m.exec(compose);
    expect(mount?.[2]).toBe('/app/data');
    expect(compose).toMatch(new RegExp(`^volumes:\\n\\s+${mount![1]}:`, 'm'));
    expect(compose).toMatch(/^\s+build: \.$/m);
    expect(compose).toMatch(/^\s+restart: unless-stopped$/m);
  });

  it('waits longer than a shutdown takes before docker kills the server', () => {
    const grace = /^\s+stop_grace_period: (\d+)s$/m.exec(compose)?.[1];
    expect(Number(grace)).toBeGreaterThan(stopNeedsSeconds);
  });
});

describe('the systemd unit', () => {
  const unit = read('deploy/siliconflow-api-management.service');
  const value = (name: string) => new RegExp(`^${name}=(.+)$`, 'm').exec(unit)?.[1];

  it('starts the compiled server from the package folder as its own user, with only data/ writable', () => {
    const folder = value('WorkingDirectory')!;
    const [node, entry] = value('ExecStart')!.split(' ');
    expect(node).toMatch(/^\/.*\/node$/);
    expect(entry!.startsWith(`${folder}/`)).toBe(true);
    expect(compiledExists(entry!.slice(folder.length + 1))).toBe(true);
    expect(value('User')).not.toBe('root');
    expect(value('ReadWritePaths')).toBe(`${folder}/data`);
    expect(value('ProtectSystem')).toBe('strict');
    expect(value('KillSignal')).toBe('SIGTERM');
    expect(Number(value('TimeoutStopSec'))).toBeGreaterThan(stopNeedsSeconds);
  });

  it('creates files private to the service (UMask=0077): the data folder holds the keys and the key that decrypts them', () => {
    expect(value('UMask')).toBe('0077');
  });
});

describe('start.bat', () => {
  const bat = readFileSync(join(projectRoot, 'start.bat'));
  const text = bat.toString('latin1');

  it('is ASCII with CRLF line ends, as cmd.exe expects', () => {
    expect([...bat].every((b) => b < 128)).toBe(true);
    expect(text.split('\r\n').length).toBe(text.split('\n').length);
  });

  it('installs when needed, runs start-direct.js and keeps the window open on an error', () => {
    expect(text).toContain('cd /d "%~dp0"');
    expect(text).toMatch(/call npm install --omit=dev/);
    expect(text).toMatch(/^node scripts\\start-direct\.js\r$/m);
    expect(text).toMatch(/^if errorlevel 1 goto failed\r$/m);
    expect(text).toMatch(/:failed\r\n(.*\r\n)*pause\r\n/);
  });

  it('has no bare parenthesis inside an echo, which would end an if-block early', () => {
    const echoes = text.split('\r\n').filter((l) => /^\s*echo /i.test(l));
    expect(echoes.length).toBeGreaterThan(0);
    for (const line of echoes) expect(line.replace(/\^[()]/g, ''), line).not.toMatch(/[()]/);
  });
});
