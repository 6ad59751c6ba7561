import { UsageError } from '../../errors.ts';

// Times as people's exports write them, parsed once per value on the import's hot path: one
// regular expression picked by the value's shape, then arithmetic (no Date parsing of strings,
// no Intl call per value: a zone's offset is looked up once per UTC day and cached).

export type DateOrder = 'dmy' | 'mdy';
export const DATE_ORDERS: readonly DateOrder[] = ['dmy', 'mdy'];

export interface DateSettings {
  /** Zone for times written without one: an IANA name, UTC, or an offset like +05:00. */
  timeZone: string;
  /** Order of day and month in numeric dates with slashes or dashes; undefined: decided by the file. */
  dateOrder?: DateOrder | undefined;
  /** Plain numbers are Unix seconds. */
  epoch?: boolean | undefined;
}

/** A value whose day and month cannot be told apart (yet): see DateReader. */
export const AMBIGUOUS = Symbol('ambiguous day and month');

export const DATE_EXAMPLES = 'e.g. 2024-03-01 9:30, 2024-03-01T09:30:00Z, 1.3.2024 9:30, 3/1/2024 9:30 AM';

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;
// The year may have two digits (20YY): osTicket's default date format is the locale's short one,
// which ICU writes as M/d/yy for en_US (3/2/26 8:05 AM).
const NUMERIC = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:,?(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;
// Jira: 01/Jun/23 7:29 AM; also 1 Jun 2023 07:29, 1-Jun-2023.
const DAY_MONTH_NAME = /^(\d{1,2})[/\- ]([A-Za-z]{3,9})\.?[/\- ](\d{4}|\d{2})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;
// Request Tracker (ctime): Thu Jun 01 07:29:00 2023; also Jun 1, 2023 7:29 PM.
const CTIME = /^(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(?:(Z|UTC|GMT|[+-]\d{2}:?\d{2})\s+)?(\d{4})$/;
const MONTH_DAY_YEAR = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?:,?\s+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;
const EPOCH = /^\d{1,11}(?:\.\d{1,6})?$/;

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
function monthNumber(name: string): number | undefined {
  const n = name.toLowerCase();
  return MONTHS[n] ?? MONTHS[n.slice(0, 3)];
}

const DAY_MS = 86_400_000;
const MIN_YEAR = 1970;
const MAX_YEAR = 2200;

/** A zone's UTC offset, minutes east of UTC. Named zones are looked up once per UTC day. */
export class Zone {
  readonly name: string;
  private readonly fixed: number | undefined;
  private readonly format: Intl.DateTimeFormat | undefined;
  /** UTC day number -> offset in minutes; NaN when the offset changes during that day. */
  private readonly days = new Map<number, number>();

  constructor(name: string) {
    this.name = name;
    const fixed = parseOffset(name);
    if (fixed !== undefined) {
      this.fixed = fixed;
      return;
    }
    try {
      this.format = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      throw new UsageError(`unknown time zone "${name}" (expected a name like Asia/Almaty or Europe/Moscow, UTC, or an offset like +05:00)`);
    }
  }

  private exact(ms: number): number {
    const parts = this.format!.formatToParts(new Date(ms));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
  }

  offsetAt(ms: number): number {
    if (this.fixed !== undefined) return this.fixed;
    const day = Math.floor(ms / DAY_MS);
    let offset = this.days.get(day);
    if (offset === undefined) {
      const start = this.exact(day * DAY_MS);
      offset = start === this.exact(day * DAY_MS + DAY_MS - 1000) ? start : Number.NaN;
      this.days.set(day, offset);
    }
    return Number.isNaN(offset) ? this.exact(ms) : offset;
  }

  /** The instant at which the zone's clocks showed `wall` (wall-clock fields read as UTC). */
  toUtc(wall: number): number {
    if (this.fixed !== undefined) return wall - this.fixed * 60_000;
    const guess = this.offsetAt(wall);
    const utc = wall - guess * 60_000;
    const actual = this.offsetAt(utc);
    return actual === guess ? utc : wall - actual * 60_000;
  }
}

/** `Z`, `UTC`, `GMT`, `+05`, `+0500`, `+05:00` (also `UTC+05:00`) -> minutes; undefined otherwise. */
export function parseOffset(text: string): number | undefined {
  const t = text.trim().toUpperCase();
  if (t === 'Z' || t === 'UTC' || t === 'GMT' || t === 'ETC/UTC') return 0;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(t);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function daysIn(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** A parse failure: the reason, to be reported with the value. */
export interface DateProblem {
  reason: string;
}

/**
 * Parses the times of one import. Numeric dates with slashes or dashes are M/D/YYYY or
 * D/M/YYYY: given by `dateOrder`, else decided by the file itself. The first value whose first
 * number is above 12 (13/1/2024) decides day-month, one whose second number is (1/13/2024)
 * decides month-day, and the rest of the file is read that way. A value that fits both (3/4/2024,
 * but not 5/5/2024) before any such decision is AMBIGUOUS: the importer holds its row back until
 * a later value decides, and refuses the file when none does.
 */
export class DateReader {
  readonly zone: Zone;
  private readonly epoch: boolean;
  private readonly fixedOrder: boolean;
  order: DateOrder | undefined;
  /** The value and line that decided the order, when the file did. */
  decidedBy: { value: string; line: number } | undefined;

  constructor(settings: DateSettings) {
    this.zone = new Zone(settings.timeZone);
    this.epoch = settings.epoch === true;
    this.order = settings.dateOrder;
    this.fixedOrder = settings.dateOrder !== undefined;
  }

  /** Epoch milliseconds, AMBIGUOUS, or a problem. */
  parse(text: string, line: number): number | typeof AMBIGUOUS | DateProblem {
    const c = text.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39) {
      if (text.charCodeAt(4) === 0x2d /* - */) {
        const m = ISO.exec(text);
        if (m) return this.build(+m[1]!, +m[2]!, +m[3]!, m[4], m[5], m[6], m[7], m[8], m[9]);
      } else {
        let m = NUMERIC.exec(text);
        if (m) {
          if (m[4]!.length === 2) m[4] = String(2000 + +m[4]!);
          const a = +m[1]!;
          const b = +m[3]!;
          if (m[2] === '.') return this.build(+m[4]!, b, a, m[5], m[6], m[7], m[8], m[9], m[10]);
          const order = this.orderFor(a, b, text, line);
          if (order === AMBIGUOUS) {
            // Still check that the value is a date at all, under either reading.
            const check = this.build(+m[4]!, b, a, m[5], m[6], m[7], m[8], m[9], m[10]);
            return typeof check === 'number' ? AMBIGUOUS : check;
          }
          if (typeof order !== 'string') return order;
          return order === 'dmy' ? this.build(+m[4]!, b, a, m[5], m[6], m[7], m[8], m[9], m[10]) : this.build(+m[4]!, a, b, m[5], m[6], m[7], m[8], m[9], m[10]);
        }
        if ((m = DAY_MONTH_NAME.exec(text))) {
          const month = monthNumber(m[2]!);
          const year = m[3]!.length === 2 ? 2000 + +m[3]! : +m[3]!;
          if (month !== undefined) return this.build(year, month, +m[1]!, m[4], m[5], m[6], undefined, m[7], m[8]);
        }
        if (this.epoch && EPOCH.test(text)) return Math.round(Number(text) * 1000);
        if (EPOCH.test(text)) return { reason: `not a date and time (a number: for Unix seconds, use --epoch; expected ${DATE_EXAMPLES})` };
      }
    } else {
      let m = CTIME.exec(text);
      if (m) {
        const month = monthNumber(m[1]!);
        if (month !== undefined) return this.build(+m[7]!, month, +m[2]!, m[3], m[4], m[5], undefined, undefined, m[6]);
      } else if ((m = MONTH_DAY_YEAR.exec(text))) {
        const month = monthNumber(m[1]!);
        if (month !== undefined) return this.build(+m[3]!, month, +m[2]!, m[4], m[5], m[6], undefined, m[7], m[8]);
      }
    }
    return { reason: `not a date and time (expected ${DATE_EXAMPLES})` };
  }

  private orderFor(a: number, b: number, text: string, line: number): DateOrder | typeof AMBIGUOUS | DateProblem {
    if (this.order !== undefined) {
      const day = this.order === 'dmy' ? a : b;
      const month = this.order === 'dmy' ? b : a;
      if (month > 12 && day <= 12 && !this.fixedOrder && this.decidedBy) {
        return { reason: `not a date in this file's ${this.order === 'dmy' ? 'D/M/YYYY' : 'M/D/YYYY'} order (decided by "${this.decidedBy.value}" on line ${this.decidedBy.line}; give --date-order if that is wrong)` };
      }
      return this.order;
    }
    if (a === b || (a > 12 && b > 12)) return 'mdy'; // the same either way, or not a date either way
    if (a <= 12 && b <= 12) return AMBIGUOUS;
    this.order = a > 12 ? 'dmy' : 'mdy';
    this.decidedBy = { value: text, line };
    return this.order;
  }

  private build(y: number, mo: number, d: number, hh: string | undefined, mm: string | undefined, ss: string | undefined, frac: string | undefined, ampm: string | undefined, zone: string | undefined): number | DateProblem {
    let h = hh === undefined ? 0 : +hh;
    const mi = mm === undefined ? 0 : +mm;
    const s = ss === undefined ? 0 : +ss;
    if (ampm !== undefined) {
      if (h < 1 || h > 12) return { reason: `not a date and time (hour ${h} with ${ampm.toUpperCase()}M)` };
      const pm = ampm === 'p' || ampm === 'P';
      h = h === 12 ? (pm ? 12 : 0) : pm ? h + 12 : h;
    }
    if (y < MIN_YEAR || y > MAX_YEAR) return { reason: `not a date and time (year ${y} is outside ${MIN_YEAR}-${MAX_YEAR})` };
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return { reason: `not a date and time (no such day or time; expected ${DATE_EXAMPLES})` };
    let wall = Date.UTC(y, mo - 1, d, h, mi, s);
    if (frac !== undefined) wall += Math.floor(Number(`0.${frac}`) * 1000);
    if (zone === undefined) return this.zone.toUtc(wall);
    const offset = parseOffset(zone);
    if (offset === undefined) return { reason: `not a date and time (bad zone offset "${zone}")` };
    return wall - offset * 60_000;
  }
}

export function parseDateOrder(value: string | undefined): DateOrder | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase().replaceAll(/[^a-z]/g, '');
  if (v === 'dmy') return 'dmy';
  if (v === 'mdy') return 'mdy';
  throw new UsageError(`--date-order must be dmy (D/M/YYYY, as in Europe) or mdy (M/D/YYYY, as in the US) (got "${value}")`);
}
