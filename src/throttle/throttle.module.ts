import { Global, Module } from '@nestjs/common';
import { TenantThrottle } from './tenant-throttle.js';

/** Per-tenant request limits, shared by every app process through Redis. */
@Global()
@Module({ providers: [TenantThrottle], exports: [TenantThrottle] })
export class ThrottleModule {}
