import { Global, Module } from '@nestjs/common';
import { OnlineBookingThrottle } from './online-booking-throttle.js';
import { TenantThrottle } from './tenant-throttle.js';

/** Per-tenant request limits and the online booking page's limits, shared by every app process through Redis. */
@Global()
@Module({
  providers: [TenantThrottle, OnlineBookingThrottle],
  exports: [TenantThrottle, OnlineBookingThrottle],
})
export class ThrottleModule {}
