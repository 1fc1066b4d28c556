import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { CacheService } from '../cache/cache.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { OnlineBookingThrottled } from './throttle.errors.js';

/**
 * Limits on the owners' public booking page, in Redis so every app process shares the counts
 * (rate-limiter-flexible, as the sign-in and per-clinic limits; this process's memory while
 * Redis is away). Page views per address per minute; booking requests per address per hour
 * (across clinics: one sender spraying many clinics) and per clinic per hour (many senders
 * aiming at one clinic's calendar).
 */
@Injectable()
export class OnlineBookingThrottle {
  private readonly pages: RateLimiterAbstract;
  private readonly perAddress: RateLimiterAbstract;
  private readonly perClinic: RateLimiterAbstract;

  constructor(cache: CacheService, @Inject(APP_CONFIG) config: AppConfig) {
    const limits = config.onlineBooking;
    const make = (name: string, points: number, durationSeconds: number) =>
      cache.rateLimiter({
        name: ['online-booking', name],
        points,
        durationSeconds,
        memoryFallback: true,
      });
    this.pages = make('pages-address', limits.pagesPerAddressPerMinute, 60);
    this.perAddress = make('requests-address', limits.requestsPerAddressPerHour, 3600);
    this.perClinic = make('requests-clinic', limits.requestsPerClinicPerHour, 3600);
  }

  /** Counts a page view from the address. */
  page(ip: string): Promise<void> {
    return consume([[this.pages, ip]]);
  }

  /** Counts a booking request from the address to the clinic; refused when either is over. */
  async request(ip: string, tenantId: string): Promise<void> {
    const blocked = await Promise.all([this.perAddress.get(ip), this.perClinic.get(tenantId)]);
    const over = blocked.filter((r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0);
    if (over.length) throw throttled(Math.max(...over.map((r) => r.msBeforeNext)));
    await consume([
      [this.perAddress, ip],
      [this.perClinic, tenantId],
    ]);
  }
}

async function consume(counters: [RateLimiterAbstract, string][]): Promise<void> {
  try {
    for (const [limiter, key] of counters) await limiter.consume(key);
  } catch (res) {
    if (!(res instanceof RateLimiterRes)) throw res;
    throw throttled(res.msBeforeNext);
  }
}

function throttled(ms: number) {
  return new OnlineBookingThrottled(Math.max(1, Math.ceil(ms / 1000)));
}
