import type { AppointmentView } from './appointment.queries.js';
import type { AppointmentStatus } from './status-flow.js';

/** Where a patient is in the front desk's day. */
export type TodayStage = 'booked' | 'arrived' | 'inConsult' | 'readyToGo' | 'done';
/** The one-click step from each stage (`noShow` too, for a booking past its grace period). */
export type TodayAction = 'arrive' | 'consult' | 'finish' | 'checkOut' | 'noShow';

export const TODAY_ACTIONS: readonly TodayAction[] = [
  'arrive',
  'consult',
  'finish',
  'checkOut',
  'noShow',
];

/** The status change behind each action (checking out is not a status: checked_out_at). */
export const ACTION_STATUS: Record<Exclude<TodayAction, 'checkOut'>, AppointmentStatus> = {
  arrive: 'checked_in',
  consult: 'in_progress',
  finish: 'completed',
  noShow: 'no_show',
};

const NEXT: Record<TodayStage, TodayAction | null> = {
  booked: 'arrive',
  arrived: 'consult',
  inConsult: 'finish',
  readyToGo: 'checkOut',
  done: null,
};

export function stageOf(a: Pick<AppointmentView, 'status' | 'checkedOutAt'>): TodayStage | null {
  switch (a.status) {
    case 'booked':
    case 'confirmed':
      return 'booked';
    case 'checked_in':
      return 'arrived';
    case 'in_progress':
      return 'inConsult';
    case 'completed':
      return a.checkedOutAt ? 'done' : 'readyToGo';
    case 'cancelled':
    case 'no_show':
      return null;
  }
}

export interface TodayRow {
  appointment: AppointmentView;
  stage: TodayStage;
  next: TodayAction | null;
  /** Minutes since arrival while the patient is in the building. */
  waitingMinutes: number | null;
  /** Not arrived and past the clinic's grace period: likely a no-show. */
  late: boolean;
}

/** The day's arrivals in time order, with what each needs next. */
export function todayRows(
  appointments: AppointmentView[],
  opts: { now: Date; graceMinutes: number },
): TodayRow[] {
  const now = opts.now.getTime();
  return appointments
    .map((appointment) => ({ appointment, stage: stageOf(appointment) }))
    .filter((r): r is { appointment: AppointmentView; stage: TodayStage } => r.stage !== null)
    .sort((a, b) => a.appointment.startsAt.getTime() - b.appointment.startsAt.getTime())
    .map(({ appointment, stage }) => {
      const arrived = appointment.checkedInAt?.getTime();
      const inBuilding = stage === 'arrived' || stage === 'inConsult' || stage === 'readyToGo';
      return {
        appointment,
        stage,
        next: NEXT[stage],
        waitingMinutes:
          inBuilding && arrived ? Math.max(0, Math.floor((now - arrived) / 60_000)) : null,
        late:
          stage === 'booked' && now > appointment.startsAt.getTime() + opts.graceMinutes * 60_000,
      };
    });
}
