import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import type { CacheService, SocketIoFanOut } from '../cache/cache.service.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { RequestGate } from './request-gate.js';

/**
 * Socket.IO on the app's HTTP server. The cache module's fan-out carries events emitted by
 * one app process to sockets connected to any other (with Redis; one process without).
 */
export class VetlaneIoAdapter extends IoAdapter {
  private fanOuts: SocketIoFanOut[] = [];

  private servers: Server[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly cache: CacheService,
    gate: RequestGate,
    private readonly responses: ResponseCache,
  ) {
    super(app);
    gate.onDrain(() => this.sendSocketsElsewhere());
  }

  /**
   * A stopping process tells its live calendars to reconnect (to another process behind the
   * load balancer); the browser reconnects after a moment and re-renders what it missed.
   */
  private sendSocketsElsewhere() {
    for (const server of this.servers) {
      server.local.emit('reconnect-elsewhere');
      server.local.disconnectSockets(true);
    }
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      serveClient: true,
    } as ServerOptions);
    const fanOut = this.cache.socketIoFanOut();
    fanOut.attach(server);
    // Back from a Redis outage: once this process has moved the response cache past the writes
    // it made meanwhile, every calendar (on every process, through the adapter) re-renders:
    // events were lost both ways, and a re-render before the bump would show cached pages.
    fanOut.onResume(() => void this.responses.catchUp().finally(() => server.emit('resync')));
    this.fanOuts.push(fanOut);
    this.servers.push(server);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.fanOuts.map((fanOut) => fanOut.close()));
    this.fanOuts = [];
    this.servers = this.servers.filter((s) => s !== server);
  }
}
