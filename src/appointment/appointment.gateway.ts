import { Inject, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Request, RequestHandler } from 'express';
import type { Server, Socket } from 'socket.io';
import { AppMetrics } from '../metrics/metrics.js';
import { type AccessRevocation, AccessRevocations } from '../tenant/access-revocations.js';
import { AccessService } from '../tenant/access.service.js';
import { CLINIC_STAFF } from '../tenant/clinic-access.guard.js';
import { SESSION_MIDDLEWARE } from '../web/session.js';
import { type AppointmentEvent, AppointmentEvents } from './appointment.events.js';

function sessionUser(socket: Socket) {
  return (socket.request as Request).session?.user;
}

/**
 * Live calendars. The handshake is authenticated with the page's session cookie; a socket
 * joins only rooms of clinics its user may see. Committed appointment changes go to the
 * tenant's room. Sign-out and changes of membership disconnect the user's sockets
 * (AccessRevocations), so nothing keeps arriving after access is gone.
 */
@WebSocketGateway()
export class AppointmentGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  @WebSocketServer() server!: Server;
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly events: AppointmentEvents,
    private readonly access: AccessService,
    private readonly revocations: AccessRevocations,
    @Inject(SESSION_MIDDLEWARE) private readonly session: RequestHandler,
    private readonly metrics: AppMetrics,
  ) {}

  afterInit(server: Server) {
    server.engine.use(this.session);
    this.metrics.countSocketsWith(() => server.engine.clientsCount);
    this.unsubscribe = [
      this.events.subscribe((event) => this.relay(event)),
      this.revocations.subscribe((revoked) => this.disconnect(revoked)),
    ];
  }

  /** Every socket is in its user's and its session's room, so a change of access can end it. */
  async handleConnection(socket: Socket) {
    const user = sessionUser(socket);
    if (!user) return void socket.disconnect(true);
    const sessionId = (socket.request as Request).sessionID;
    await socket.join([`user:${user.id}`, `session:${sessionId}`]);
  }

  @SubscribeMessage('join')
  async join(@ConnectedSocket() socket: Socket, @MessageBody() body: { clinic?: unknown }) {
    const user = sessionUser(socket);
    if (!user || typeof body?.clinic !== 'string') return { ok: false };
    const tenant = await this.access.resolveClinic(body.clinic, user);
    if (!tenant || !CLINIC_STAFF.includes(tenant.role)) return { ok: false };
    await socket.join(`tenant:${tenant.id}`);
    return { ok: true };
  }

  onModuleDestroy() {
    for (const off of this.unsubscribe) off();
  }

  /** Through the adapter, so sockets on every app process go. */
  private disconnect(revoked: AccessRevocation) {
    const room = 'userId' in revoked ? `user:${revoked.userId}` : `session:${revoked.sessionId}`;
    this.server.in(room).disconnectSockets(true);
  }

  /**
   * Events carry the clinic's number (taken in the change's transaction, shared by every
   * process): a calendar that sees one skipped missed it (Redis was away) and re-renders.
   */
  private relay(event: AppointmentEvent) {
    const a = event.appointment;
    this.server.to(`tenant:${event.tenantId}`).emit('appointment', {
      seq: event.seq,
      type: event.type,
      id: a.id,
      version: a.version,
      status: a.status,
      staffId: a.staffId,
      roomId: a.roomId,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
    });
  }
}
