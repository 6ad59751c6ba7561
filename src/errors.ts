// Typed errors: every layer throws these; src/main.ts alone maps them to exit codes.
// Messages are one line, written for the person at the terminal, never containing a password.

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  database: 3,
  notAllowed: 4,
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

/** The database login lacks the privilege (PostgreSQL roles, row-level security): exit 4. */
export class NotAllowedError extends HelpdeskError {
  override readonly exitCode = EXIT.notAllowed;
}

// Who may run what (the README's table of roles says the same). The database enforces it; this
// table only names the roles in the refusal. A command not listed needs helpdesk_admin.
const ADMIN = 'helpdesk_admin';
const PIPELINE = 'helpdesk_pipeline';
const AGENT = 'helpdesk_agent';
const ANALYST = 'helpdesk_analyst';
const ANYONE = [AGENT, ANALYST, PIPELINE, ADMIN];
const REFERENCE_NOUNS = ['departments', 'operators', 'categories', 'responses', 'users'];

export const COMMAND_ROLES: Record<string, readonly string[]> = {
  'db status': ANYONE,
  'tickets list': ANYONE,
  'tickets show': ANYONE,
  'tickets update': [AGENT, ADMIN],
  'tickets confirm': [AGENT, ADMIN],
  'tickets review': [AGENT, ADMIN],
  'pipeline run': [PIPELINE, ADMIN],
  'pipeline explain': ANYONE,
  'stats daily': ANYONE,
  'stats models': ANYONE,
  'stats rebuild': [PIPELINE, ADMIN],
  'model list': ANYONE,
  'model show': ANYONE,
  'model evaluate': ANYONE,
  'model predict': ANYONE,
  'export tickets': [ANALYST, ADMIN],
  'export training-samples': [ANALYST, ADMIN],
  'export stats': ANYONE,
  audit: [AGENT, ADMIN],
  ...Object.fromEntries(REFERENCE_NOUNS.flatMap((noun) => [[`${noun} list`, ANYONE], [`${noun} show`, ANYONE]])),
};

/** The roles that may run a command ("helpdesk tickets update" or "tickets update"). */
export function rolesFor(command: string): readonly string[] {
  return COMMAND_ROLES[command.replace(/^helpdesk\s+/, '')] ?? [ADMIN];
}

export function needsRoles(command: string, login: string, extra = ''): NotAllowedError {
  const name = command.replace(/^helpdesk\s+/, '');
  const roles = rolesFor(name);
  const list = roles.length === 1 ? roles[0] : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}`;
  return new NotAllowedError(`${name} needs ${list}${extra} (you are "${login}")`);
}

function sqlState(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; sqlState?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    for (const value of [e.sqlState, e.code]) if (typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value)) return value;
  }
  return undefined;
}

/**
 * The one place a refusal by the database (SQLSTATE 42501: a missing privilege, or a row that
 * row-level security does not let this login write) becomes one line naming the roles the
 * command needs. Anything else is returned unchanged.
 */
export function asRefusal(error: unknown, command: string, login: string): unknown {
  if (error instanceof HelpdeskError) return error;
  const state = sqlState(error);
  const message = String((error as Error).message ?? '');
  // An analyst's write lands on a redacting view: "cannot insert into column ... of view".
  const viewWrite = state === '0A000' && /of view "/.test(message);
  if (state !== '42501' && !viewWrite) return error;
  if (/row-level security/.test(message)) {
    // An agent's change that would put a row outside their departments (moving a ticket away).
    const name = command.replace(/^helpdesk\s+/, '');
    return new NotAllowedError(`${name} needs helpdesk_admin to move a ticket out of your departments (you are "${login}")`);
  }
  return needsRoles(command, login);
}
