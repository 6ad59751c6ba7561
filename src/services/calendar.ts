/**
 * Calendar days of a time zone (the database's statistics time zone) as instants, in JS. No
 * command bounds days with it any more (they do it in SQL, as `day::timestamp at time zone`);
 * tests/commands/stats.test.ts counts tickets of a day with it, independently of the SQL.
 */

/** The UTC offset of a zone at an instant, in minutes (Asia/Almaty: 300). */
export function offsetMinutes(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** The instant a calendar day (YYYY-MM-DD) starts in the zone: what `day::timestamp at time zone` gives in SQL. */
export function startOfDay(day: string, timeZone: string): Date {
  const local = Date.parse(`${day}T00:00:00Z`);
  let at = local - offsetMinutes(timeZone, new Date(local)) * 60_000;
  // Once more with the offset at that instant (a day starting next to a DST change).
  at = local - offsetMinutes(timeZone, new Date(at)) * 60_000;
  return new Date(at);
}
