import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { LOG } from '../core.module.js';
import { AccessService } from '../tenant/access.service.js';
import { OnlineBookingService } from './online-booking.service.js';

/**
 * Frees the slots of unverified online requests whose hold ran out, in every clinic that takes
 * online bookings, every `ONLINE_BOOKING_SWEEP_SECONDS`. The clinic's own page also expires
 * them before it shows or books anything, so a visitor never waits for the sweep.
 */
@Injectable()
export class HoldSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly access: AccessService,
    private readonly booking: OnlineBookingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOG) private readonly log: Logger,
  ) {}

  onApplicationBootstrap() {
    const seconds = this.config.onlineBooking.sweepSeconds;
    if (!seconds) return;
    this.timer = setInterval(() => {
      this.sweep().catch((err) => this.log.warn({ err }, 'online hold sweep failed; will retry'));
    }, seconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** One pass over the clinics; concurrent calls share it. The number of holds freed. */
  sweep(): Promise<number> {
    this.running ??= this.sweepOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepOnce(): Promise<number> {
    let freed = 0;
    for (const tenantId of await this.access.onlineBookingTenantIds())
      freed += await this.booking.expireHolds(tenantId);
    return freed;
  }
}
