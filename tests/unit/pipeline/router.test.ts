import { describe, expect, it } from 'vitest';
import { chooseOperator, recordAssignment, type OperatorLoad } from '../../../src/services/pipeline/router.ts';

// Issue 18: the routing rule's boundaries and the words `pipeline explain` shows, one case a row.
const op = (name: string, open: number, capacity: number, extra: Partial<OperatorLoad> = {}): OperatorLoad => ({
  id: `id-${name}`,
  name,
  departmentId: 'd1',
  languages: ['ru', 'kk', 'en'],
  capacity,
  open,
  active: true,
  lastAssignedAt: 0,
  ...extra,
});

describe('chooseOperator: who is eligible, and why', () => {
  it('lists every operator of the department with the reason, and only those of it', () => {
    const ops = [
      op('full', 3, 3),
      op('over', 4, 3),
      op('lastSeat', 2, 3),
      op('away', 0, 3, { active: false }),
      op('kazakhOnly', 0, 3, { languages: ['kk'] }),
      op('elsewhere', 0, 3, { departmentId: 'd2' }),
    ];
    const choice = chooseOperator(ops, 'd1', 'ru');
    expect(choice.candidates).toEqual([
      { id: 'id-full', name: 'full', open: 3, capacity: 3, eligible: false, note: 'at capacity (3/3)' },
      { id: 'id-over', name: 'over', open: 4, capacity: 3, eligible: false, note: 'at capacity (4/3)' },
      { id: 'id-lastSeat', name: 'lastSeat', open: 2, capacity: 3, eligible: true, note: 'load 2/3' },
      { id: 'id-away', name: 'away', open: 0, capacity: 3, eligible: false, note: 'inactive' },
      { id: 'id-kazakhOnly', name: 'kazakhOnly', open: 0, capacity: 3, eligible: false, note: 'does not speak ru' },
    ]);
    expect(choice.operatorId).toBe('id-lastSeat');
    expect(choice.reason).toBe('lastSeat: least loaded (2/3) of 1 eligible');
  });

  it('without a language, every active operator with room is eligible', () => {
    const choice = chooseOperator([op('kazakhOnly', 1, 2, { languages: ['kk'] }), op('english', 0, 2, { languages: ['en'] })], 'd1', null);
    expect(choice.candidates.map((c) => c.eligible)).toEqual([true, true]);
    expect(choice.reason).toBe('english: least loaded (0/2) of 2 eligible');
  });

  it.each([
    ['a department without operators', [], 'ru', 'the department has no operators: left in the department queue'],
    ['an operator of another department only', [op('elsewhere', 0, 3, { departmentId: 'd2' })], 'ru', 'the department has no operators: left in the department queue'],
    ['everyone at capacity, a language given', [op('full', 1, 1)], 'kk', 'no operator is free for kk: left in the department queue'],
    ['everyone at capacity, no language', [op('full', 1, 1)], null, 'no operator is free: left in the department queue'],
  ] as const)('queues the ticket for %s', (_name, ops, language, reason) => {
    const choice = chooseOperator(ops, 'd1', language);
    expect(choice.operatorId).toBeNull();
    expect(choice.reason).toBe(reason);
  });
});

describe('chooseOperator: order among the eligible', () => {
  // [case, operators, chosen]
  const cases: [string, OperatorLoad[], string][] = [
    ['lower load share wins over fewer open tickets', [op('small', 1, 2), op('big', 4, 10)], 'big'],
    ['equal shares: whoever was given a ticket longest ago', [op('a', 1, 2, { lastAssignedAt: 3000 }), op('b', 2, 4, { lastAssignedAt: 1000 }), op('c', 1, 2, { lastAssignedAt: 2000 })], 'b'],
    ['equal shares: never assigned goes first', [op('a', 0, 2, { lastAssignedAt: 5000 }), op('b', 0, 2, { lastAssignedAt: 0 })], 'b'],
    ['equal shares: the later one loses even listed first', [op('b', 0, 2, { lastAssignedAt: 2000 }), op('a', 0, 2, { lastAssignedAt: 1000 })], 'a'],
    ['equal shares and turns: by name', [op('carol', 0, 2), op('alice', 0, 2), op('bob', 0, 2)], 'alice'],
  ];
  it.each(cases)('%s', (_name, ops, chosen) => {
    expect(chooseOperator(ops, 'd1', 'ru').operatorId).toBe(`id-${chosen}`);
  });
});

describe('recordAssignment', () => {
  it('adds the ticket to the operator and stamps the turn', () => {
    const ops = [op('a', 0, 2), op('b', 1, 2)];
    recordAssignment(ops, 'id-a', 1234);
    expect(ops.map((o) => [o.open, o.lastAssignedAt])).toEqual([
      [1, 1234],
      [1, 0],
    ]);
  });

  it('ignores an operator who is not in the list', () => {
    const ops = [op('a', 0, 2)];
    expect(() => recordAssignment(ops, 'id-nobody', 1234)).not.toThrow();
    expect(ops.map((o) => [o.open, o.lastAssignedAt])).toEqual([[0, 0]]);
  });
});
