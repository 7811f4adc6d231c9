import { DAY_MS, HOUR_MS } from './types.js';

/**
 * Hour of the week of a unix-ms time, 0 = Monday 00:00-01:00 ... 167 = Sunday
 * 23:00, in the zone `utcOffsetHours` east of UTC (default UTC). The unix epoch
 * fell on a Thursday, hence the shift of 3 days.
 */
export function hourOfWeek(timeMs: number, utcOffsetHours = 0): number {
  if (!Number.isFinite(timeMs)) throw new RangeError(`hourOfWeek: time ${timeMs} is not a finite number`);
  const local = timeMs + utcOffsetHours * HOUR_MS;
  const day = Math.floor(local / DAY_MS);
  const weekday = (((day + 3) % 7) + 7) % 7;
  const hour = Math.floor((local - day * DAY_MS) / HOUR_MS);
  return weekday * 24 + hour;
}

const dayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `Tue 19:00` for hour of week 43. */
export function formatHourOfWeek(hour: number): string {
  const wrapped = ((hour % 168) + 168) % 168;
  return `${dayNames[Math.floor(wrapped / 24)]} ${String(wrapped % 24).padStart(2, '0')}:00`;
}
