/** What the clinic's order of calendar columns is decided by. */
export interface OrderedStaff {
  id: string;
  name: string;
  kind: string;
  /** The manager's position for this column (settings → staff); null: the default order. */
  calendarPosition: number | null;
}

const KIND_ORDER = ['vet', 'nurse', 'groomer', 'front_desk', 'manager'];

/**
 * The clinic's order of calendar columns: the manager's positions first, then vets before
 * other staff, then by name. The calendar and the settings page both use this one order.
 */
export function inCalendarOrder<T extends OrderedStaff>(staff: T[]): T[] {
  return [...staff].sort(
    (a, b) =>
      (a.calendarPosition ?? Infinity) - (b.calendarPosition ?? Infinity) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      a.name.localeCompare(b.name),
  );
}

/** The ids with `id` moved one place up or down (unchanged at either end); null if absent. */
export function moveColumn(ids: string[], id: string, direction: 'up' | 'down'): string[] | null {
  const from = ids.indexOf(id);
  if (from < 0) return null;
  const to = direction === 'up' ? from - 1 : from + 1;
  if (to < 0 || to >= ids.length) return ids;
  const moved = [...ids];
  [moved[from], moved[to]] = [moved[to], moved[from]];
  return moved;
}
