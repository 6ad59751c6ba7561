import { defineEntity, p } from '@mikro-orm/core';
import { Operator } from './Operator.ts';

/**
 * A database login tied to an operator (`helpdesk db grant LOGIN helpdesk_agent --operator EMAIL`):
 * the row-level security policies let that login see the tickets of the operator's department.
 */
export const OperatorLoginSchema = defineEntity({
  name: 'OperatorLogin',
  tableName: 'operator_logins',
  properties: {
    login: p.string().length(63).primary(),
    operator: () => p.manyToOne(Operator).deleteRule('cascade').index('operator_logins_operator_idx'),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export class OperatorLogin extends OperatorLoginSchema.class {}
OperatorLoginSchema.setClass(OperatorLogin);
