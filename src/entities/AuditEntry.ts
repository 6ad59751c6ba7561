import { defineEntity, p } from '@mikro-orm/core';

/**
 * One change a person made, written by the `helpdesk_audit()` trigger in the same transaction
 * as the change (so psql is held to it too): who (the database login), when, which row, and the
 * old and new values (for an update only the columns that changed). Never written by the ORM.
 */
export const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  indexes: [
    { name: 'audit_log_at_idx', properties: ['at'] },
    { name: 'audit_log_ticket_idx', properties: ['ticketId'] },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    at: p.datetime().defaultRaw('now()'),
    /** The database login (session_user). */
    login: p.string().length(63),
    tableName: p.string().length(63),
    action: p.string().length(16),
    rowId: p.string().length(64).nullable(),
    /** The ticket the row belongs to (tickets, their messages and predictions), for `tickets show`. */
    ticketId: p.uuid().nullable(),
    oldValues: p.json().nullable(),
    newValues: p.json().nullable(),
    /** The client's application_name, e.g. "helpdesk tickets update" or "psql". */
    command: p.string().length(200).nullable(),
  },
});
export class AuditEntry extends AuditEntrySchema.class {}
AuditEntrySchema.setClass(AuditEntry);
