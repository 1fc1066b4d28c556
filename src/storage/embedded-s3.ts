import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import type { S3Settings } from '../config/config.js';

/**
 * An in-process S3-compatible server (s3rver) on a local folder, for the zero-config start
 * and tests. A fixed `port` lets a test stop it and start it again at the same address.
 */
export async function startEmbeddedS3(opts: { dir: string; bucket: string; port?: number }) {
  mkdirSync(opts.dir, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: opts.port ?? 0,
    directory: opts.dir,
    silent: true,
    configureBuckets: [{ name: opts.bucket, configs: [] }],
  });
  const address = (await server.run()) as AddressInfo;
  const settings: S3Settings = {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket: opts.bucket,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  };
  return { settings, port: address.port, stop: () => server.close() };
}
