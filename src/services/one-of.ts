import { UsageError } from '../errors.ts';

// The one parser of a ticket's status, language, source and priority as typed after a flag, for
// `tickets list`, `create` and `update`: a module of its own so that a command that opens the
// database without the ORM parses them without loading the entities.

/** One of `allowed`, regardless of case and surrounding spaces; anything else is a usage error naming them. */
export function oneOf<T extends string>(allowed: readonly T[], value: string, flag: string): T {
  const v = value.trim().toLowerCase() as T;
  if (!allowed.includes(v)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return v;
}

/** The same for a flag that may be absent: absent stays undefined. */
export function oneOfIfGiven<T extends string>(allowed: readonly T[], value: string | undefined, flag: string): T | undefined {
  return value === undefined ? undefined : oneOf(allowed, value, flag);
}
