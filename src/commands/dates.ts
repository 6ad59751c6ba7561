import { InputError } from '../errors.ts';

// One parser for every --from/--to flag: the same formats mean the same calendar days in every
// command (days of the database's statistics time zone; see src/commands/calendar.ts).

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DOTTED_DAY = /^(\d{2})\.(\d{2})\.(\d{4})$/;

/** The formats a --from/--to flag accepts, for help texts and errors. */
export const DAY_FORMATS = 'YYYY-MM-DD or DD.MM.YYYY';

/** A calendar day given as YYYY-MM-DD or DD.MM.YYYY, returned as YYYY-MM-DD. */
export function parseDayFlag(value: string, flag: string): string {
  const text = value.trim();
  let parts: [string, string, string] | null = null;
  const iso = ISO_DAY.exec(text);
  if (iso) parts = [iso[1]!, iso[2]!, iso[3]!];
  const dotted = DOTTED_DAY.exec(text);
  if (dotted) parts = [dotted[3]!, dotted[2]!, dotted[1]!];
  const day = parts ? parts.join('-') : '';
  const date = new Date(`${day}T00:00:00Z`);
  if (!parts || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) {
    throw new InputError(`${flag} must be a date as ${DAY_FORMATS} (got "${value}")`);
  }
  return day;
}

/** --from / --to as days, each optional, in order when both are given. */
export function parseDayRange(flags: { from?: string | undefined; to?: string | undefined }): { from: string | undefined; to: string | undefined } {
  const from = flags.from !== undefined ? parseDayFlag(flags.from, '--from') : undefined;
  const to = flags.to !== undefined ? parseDayFlag(flags.to, '--to') : undefined;
  if (from && to && from > to) throw new InputError(`--from ${from} is after --to ${to}`);
  return { from, to };
}
