import type { Language } from '../../entities/enums.ts';

export interface OperatorLoad {
  id: string;
  name: string;
  departmentId: string;
  languages: readonly Language[];
  capacity: number;
  /** Open tickets assigned now (new, in_work, waiting). */
  open: number;
  active: boolean;
  /** When this operator was last given a ticket (ms since epoch; 0 = never): breaks ties in turn. */
  lastAssignedAt: number;
}

export interface RoutingCandidate {
  id: string;
  name: string;
  open: number;
  capacity: number;
  eligible: boolean;
  /** Why the operator was or was not eligible, in words. */
  note: string;
}

export interface RoutingChoice {
  operatorId: string | null;
  candidates: RoutingCandidate[];
  reason: string;
}

/**
 * The least-loaded active operator of the department who speaks the ticket's language and has
 * room (open < capacity). Load is open/capacity, so a capacity of 20 with 10 open is as busy as
 * 5 with 2.5. Equal loads go in turn: whoever was given a ticket longest ago, then by name.
 * Nobody eligible: null, and the ticket waits in the department's queue.
 */
export function chooseOperator(operators: readonly OperatorLoad[], departmentId: string, language: Language | null): RoutingChoice {
  const candidates: RoutingCandidate[] = [];
  const eligible: OperatorLoad[] = [];
  for (const op of operators) {
    if (op.departmentId !== departmentId) continue;
    let note: string;
    if (!op.active) note = 'inactive';
    else if (language && !op.languages.includes(language)) note = `does not speak ${language}`;
    else if (op.open >= op.capacity) note = `at capacity (${op.open}/${op.capacity})`;
    else {
      note = `load ${op.open}/${op.capacity}`;
      eligible.push(op);
    }
    candidates.push({ id: op.id, name: op.name, open: op.open, capacity: op.capacity, eligible: note.startsWith('load'), note });
  }
  eligible.sort((a, b) => a.open / a.capacity - b.open / b.capacity || a.lastAssignedAt - b.lastAssignedAt || a.name.localeCompare(b.name));
  const chosen = eligible[0];
  if (!chosen) {
    const why = candidates.length === 0 ? 'the department has no operators' : `no operator is free${language ? ` for ${language}` : ''}`;
    return { operatorId: null, candidates, reason: `${why}: left in the department queue` };
  }
  return {
    operatorId: chosen.id,
    candidates,
    reason: `${chosen.name}: least loaded (${chosen.open}/${chosen.capacity}) of ${eligible.length} eligible`,
  };
}

/** Records an assignment so that the next ticket in the same batch sees the new load. */
export function recordAssignment(operators: OperatorLoad[], operatorId: string, at: number): void {
  const op = operators.find((o) => o.id === operatorId);
  if (op) {
    op.open += 1;
    op.lastAssignedAt = at;
  }
}
