import { sql, type RawBuilder } from 'kysely';
import { InputError } from '../errors.ts';

// The one parser of time zones (`--tz`, "timeZone" in the configuration): an IANA name
// (`Asia/Almaty`, `UTC`) or a fixed UTC offset (`+05:00`, `+5`, `-0330`, `UTC+5`, `GMT-03:30`).
// Offsets are ISO 8601: `+05:00` is five hours EAST of Greenwich, as people mean it. PostgreSQL
// reads a bare '+05:00' the POSIX way (five hours WEST), so SQL gets the explicit POSIX form
// '<+0500>-05:00' from sqlTimeZone, never the string as typed.

const OFFSET = /^(?:(?:UTC|GMT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

/** A time zone as given, checked and in canonical form: an IANA name, or `+HH:MM`. */
export function parseTimeZone(value: string, where: string): string {
  const text = value.trim();
  const offset = OFFSET.exec(text);
  if (offset) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? 0);
    if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) {
      throw new InputError(`${where}: UTC offset "${value}" out of range (-14:00 to +14:00)`);
    }
    const sign = hours === 0 && minutes === 0 ? '+' : offset[1]!;
    return `${sign}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  }
  if (NAME.test(text)) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: text });
      return text;
    } catch {
      /* fall through */
    }
  }
  throw new InputError(`${where}: unknown time zone "${value}" (an IANA name such as Asia/Almaty, or a UTC offset such as +05:00)`);
}

/** The zone as a PostgreSQL string literal for `AT TIME ZONE`. */
export function sqlTimeZone(zone: string): string {
  const offset = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (offset) {
    // POSIX: the offset is hours WEST of Greenwich, so the sign is inverted; <...> names it.
    const west = offset[1] === '+' ? '-' : '+';
    return `'<${offset[1]}${offset[2]}${offset[3]}>${west}${offset[2]}:${offset[3]}'`;
  }
  if (!NAME.test(zone)) throw new Error(`unexpected time zone name "${zone}"`);
  return `'${zone}'`;
}

/**
 * A timestamptz column as local time of the zone with its UTC offset, as text
 * (2026-11-30T09:15:00+05:00; null stays null), formatted by the database: the same zone rules
 * the statistics bucket days with, and no Intl time-zone formatter in the process (creating the
 * first one loads ICU's zone data: ~20 ms of a 200 ms `tickets show`). One plain expression: the
 * same thing as a scalar subquery per column cost the embedded database ~15 MB more peak RSS
 * in `tickets show` (346-365 MB against 338-341, eight runs each).
 */
export function localTimeSql(column: string, zone: string): RawBuilder<string> {
  const tz = sql.raw(sqlTimeZone(zone));
  const local = sql`(${sql.ref(column)} at time zone ${tz})`;
  const utc = sql`(${sql.ref(column)} at time zone 'UTC')`;
  return sql<string>`to_char(${local}, 'YYYY-MM-DD"T"HH24:MI:SS') || case when ${local} < ${utc} then '-' || to_char(${utc} - ${local}, 'HH24:MI') else '+' || to_char(${local} - ${utc}, 'HH24:MI') end`;
}

/** How times are shown: local times of a zone with their offset, or UTC instants. */
export type TimesIn = { timeZone: string } | 'utc';

/**
 * A timestamptz column as text the way `times` asks: localTimeSql in a zone, or the UTC instant
 * with milliseconds (2026-11-30T04:15:00.123Z, as a JS Date's toISOString gives it).
 */
export function timeTextSql(column: string, times: TimesIn): RawBuilder<string> {
  if (times !== 'utc') return localTimeSql(column, times.timeZone);
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
