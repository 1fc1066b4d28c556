import { Injectable } from '@nestjs/common';
import { EventChannel } from '../common/event-channel.js';

/** Whose live connections lost their access: one signed-out session, or every session of a user. */
export type AccessRevocation = { sessionId: string } | { userId: string };

/**
 * Live connections check access when they join a clinic, so a change of access must end
 * them: sign-out, a membership taken away, a role changed. Services publish here after
 * their transaction committed; the live gateway disconnects the sockets (on every app
 * process, through the Socket.IO adapter), and a page that reconnects is checked afresh.
 */
@Injectable()
export class AccessRevocations extends EventChannel<AccessRevocation> {}
