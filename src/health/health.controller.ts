import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CacheService } from '../cache/cache.service.js';
import { DatabaseProbe } from '../database/database-probe.js';
import { ObjectStorage } from '../storage/object-storage.js';
import { RequestGate } from '../web/request-gate.js';

const TIMEOUT_MS = 1000;

type Check = { status: 'up' | 'down' | 'busy'; [detail: string]: unknown };

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * `/health` (answered first in the pipeline, touching nothing): the process is up. `/ready`: it can serve. Each dependency is
 * asked with a short time-out over its own small budget (the database through DatabaseProbe,
 * not the request pool). A database that is slow to answer while this process's requests are
 * queueing is "busy": the app is degraded, still ready (200), not down. Draining: 503.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly database: DatabaseProbe,
    private readonly cache: CacheService,
    private readonly storage: ObjectStorage,
    private readonly gate: RequestGate,
  ) {}

  @Get('ready')
  async ready(@Res() res: Response) {
    const busy = this.gate.busy;
    const probe = async (work: () => Promise<unknown>): Promise<Check> => {
      try {
        const found = await within(TIMEOUT_MS, work());
        return { status: 'up', ...(found && typeof found === 'object' ? found : {}) };
      } catch (err) {
        return { status: busy ? 'busy' : 'down', message: (err as Error).message };
      }
    };
    const [database, cache, storage] = await Promise.all([
      probe(() => this.database.ping()),
      probe(async () => (await this.cache.ping(), { backend: this.cache.backend })),
      probe(() => this.storage.check()),
    ]);
    const details: Record<string, Check> = { database, cache, storage };
    const pick = (want: (c: Check) => boolean) =>
      Object.fromEntries(Object.entries(details).filter(([, c]) => want(c)));
    const down = pick((c) => c.status === 'down');
    const status = this.gate.draining
      ? 'draining'
      : Object.keys(down).length
        ? 'error'
        : busy || Object.keys(pick((c) => c.status === 'busy')).length
          ? 'degraded'
          : 'ok';
    res
      .status(status === 'ok' || status === 'degraded' ? 200 : 503)
      .json({ status, info: pick((c) => c.status !== 'down'), error: down, details });
  }
}
