/**
 * Volume tiers by appointments in the last 30 days (a rolling month, so the tier does not
 * reset on the 1st). Chosen so the capacity report's clinics land where it put them:
 * 351–356 High, 129 Medium, 8 Low.
 */
export const TIER_THRESHOLDS = { high: 200, medium: 50 } as const;

export type Tier = 'high' | 'medium' | 'low';

export function tierOf(appointmentsLast30Days: number): Tier {
  if (appointmentsLast30Days >= TIER_THRESHOLDS.high) return 'high';
  if (appointmentsLast30Days >= TIER_THRESHOLDS.medium) return 'medium';
  return 'low';
}
