import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import type { CacheService } from '../cache/cache.service.js';

/**
 * Socket.IO on the app's HTTP server. With Redis, events emitted by one app process reach
 * sockets connected to any other (@socket.io/redis-adapter); without it, one process.
 */
export class VetlaneIoAdapter extends IoAdapter {
  private clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly cache: CacheService,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      serveClient: true,
    } as ServerOptions);
    if (this.cache.redis) {
      // Pub/sub waits for Redis to come back rather than failing its subscriptions (/ready reports the outage).
      const pub = this.cache.redis.duplicate({ maxRetriesPerRequest: null });
      const sub = pub.duplicate();
      for (const client of [pub, sub]) client.on('error', () => undefined);
      this.clients.push(pub, sub);
      server.adapter(createAdapter(pub, sub, { key: this.cache.key('socket.io') }));
    }
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    for (const client of this.clients) client.disconnect();
    this.clients = [];
  }
}
