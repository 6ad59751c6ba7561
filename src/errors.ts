// Typed errors: every layer throws these; src/main.ts alone maps them to exit codes.
// Messages are one line, written for the person at the terminal, never containing a password.

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  database: 3,
  interrupted: 130,
} as const;

export class HelpdeskError extends Error {
  readonly exitCode: number = EXIT.failure;
  /** Extra lines (e.g. the list of dependents) printed after the message. */
  readonly details: string[];
  constructor(message: string, details: string[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** Bad flags, a missing value, or input that does not validate: exit 2. */
export class UsageError extends HelpdeskError {
  override readonly exitCode = EXIT.usage;
}

/** Input data that is wrong (a file line, a value): exit 2. */
export class InputError extends HelpdeskError {
  override readonly exitCode = EXIT.usage;
}

/** Something the database refuses: a duplicate, a dependent row, a missing record: exit 2. */
export class ConflictError extends HelpdeskError {
  override readonly exitCode = EXIT.usage;
}

export class NotFoundError extends HelpdeskError {
  override readonly exitCode = EXIT.usage;
}

/** The database cannot be reached, opened, or is locked by another process: exit 3. */
export class DatabaseUnavailableError extends HelpdeskError {
  override readonly exitCode = EXIT.database;
}

/** A check that scripts act on (e.g. `db status --check` with pending migrations): exit 1. */
export class CheckFailedError extends HelpdeskError {
  override readonly exitCode = EXIT.failure;
}
