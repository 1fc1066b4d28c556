import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import type { CacheService, SocketIoFanOut } from '../cache/cache.service.js';

/**
 * Socket.IO on the app's HTTP server. The cache module's fan-out carries events emitted by
 * one app process to sockets connected to any other (with Redis; one process without).
 */
export class VetlaneIoAdapter extends IoAdapter {
  private fanOuts: SocketIoFanOut[] = [];

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
    const fanOut = this.cache.socketIoFanOut();
    fanOut.attach(server);
    this.fanOuts.push(fanOut);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.fanOuts.map((fanOut) => fanOut.close()));
    this.fanOuts = [];
  }
}
