import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { CacheService } from '../cache/cache.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantThrottled } from './throttle.errors.js';

const WINDOW_SECONDS = 60;
const COUNTED = Symbol('vetlane.tenantRequestCounted');

/**
 * Marks a request already counted for the tenant (the fast lane counted it, then could not
 * answer it): the long way's consume then does not count it twice.
 */
export function countedFor(req: object, tenantId: string): void {
  (req as { [COUNTED]?: string })[COUNTED] = tenantId;
}
const COUNT_DAYS_KEPT = 8;

/**
 * Requests per tenant per minute, counted in Redis so every app process shares one budget
 * (rate-limiter-flexible; one atomic Redis call per request, keyed by tenant, so a tenant
 * at its limit costs the others nothing). The limit comes from the tenant's plan. Refused
 * requests are counted per tenant and UTC day for the platform admin.
 */
@Injectable()
export class TenantThrottle {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly cache: CacheService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  limitFor(plan: string): number {
    const limits = this.config.tenantThrottle.perMinute;
    return limits[plan] ?? limits.standard;
  }

  /**
   * Counts one request of the tenant; throws TenantThrottled when it is over its plan's
   * limit. A request `countedFor` this tenant already was counted.
   */
  async consume(tenant: { id: string; plan: string }, req?: object): Promise<void> {
    if (req && (req as { [COUNTED]?: string })[COUNTED] === tenant.id) return;
    try {
      await this.limiter(tenant.plan).consume(tenant.id);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      await this.countRefusal(tenant.id);
      throw new TenantThrottled(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
    }
  }

  /** Refused requests per tenant id on a UTC day (default today). */
  refusals(day = utcDay(new Date())): Promise<Map<string, number>> {
    return this.cache.counts(this.cache.key('throttled', day));
  }

  private countRefusal(tenantId: string): Promise<void> {
    const key = this.cache.key('throttled', utcDay(new Date()));
    return this.cache.incrementCount(key, tenantId, COUNT_DAYS_KEPT * 86400);
  }

  private limiter(plan: string): RateLimiterAbstract {
    const points = this.limitFor(plan);
    const name = `${plan}:${points}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      limiter = this.cache.rateLimiter({
        name: ['tenant-rate', plan],
        points,
        durationSeconds: WINDOW_SECONDS,
        // When Redis is briefly away each process limits on its own rather than failing requests.
        memoryFallback: true,
      });
      this.limiters.set(name, limiter);
    }
    return limiter;
  }
}

export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
