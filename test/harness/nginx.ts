import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, listeningChild } from './services.js';

export interface Nginx {
  url: string;
  /** The upstream (host:port) of each proxied request so far, from the access log. */
  upstreamsUsed(): string[];
  stop(): Promise<void>;
}

/**
 * Debian's nginx on a free port in front of the given app URLs, with the configuration
 * the README documents (docker/nginx/vetlane.conf) filled in, in a folder of its own.
 */
export async function startNginx(appUrls: string[]): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'vetlane-nginx-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const log = join(dir, 'access.log');
  const template = readFileSync(
    new URL('../../docker/nginx/vetlane.conf', import.meta.url),
    'utf8',
  );
  const upstreams = appUrls.map((u) => `    server ${new URL(u).host};`).join('\n');
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    template
      .replaceAll('{{listen}}', `127.0.0.1:${port}`)
      .replaceAll('{{upstreams}}', upstreams)
      .replaceAll('{{log}}', log),
  );
  const binary = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
  const child: ChildProcess = spawn(
    binary,
    [
      '-p',
      dir,
      '-c',
      conf,
      '-e',
      join(dir, 'error.log'),
      '-g',
      `daemon off; pid ${dir}/nginx.pid;`,
    ],
    { stdio: 'ignore' },
  );
  const end = await listeningChild(child, port, `nginx (${binary})`);
  return {
    url: `http://127.0.0.1:${port}`,
    upstreamsUsed: () =>
      [...readFileSync(log, 'utf8').matchAll(/upstream=(\S+)/g)].map((m) => m[1]),
    stop: async () => {
      await end('SIGQUIT'); // graceful: finishes open requests
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
