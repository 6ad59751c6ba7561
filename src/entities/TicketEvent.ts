import { defineEntity, p } from '@mikro-orm/core';
import { LANGUAGES, TICKET_STATUSES } from './enums.ts';

/**
 * The durable event stream behind `tickets watch`: one row per thing that happened to a ticket
 * (created, decided, updated, confirmed, corrected, closed, sla_breached) or to an operator
 * (operator_at_capacity). Written only by triggers (migration 20261202050000), in the same
 * transaction as the change; NOTIFY merely wakes the readers.
 */
export const TicketEventSchema = defineEntity({
  name: 'TicketEvent',
  tableName: 'ticket_events',
  indexes: [
    { name: 'ticket_events_xid_idx', properties: ['xid'] },
    { name: 'ticket_events_created_idx', properties: ['createdAt'] },
    { name: 'ticket_events_ticket_idx', properties: ['ticketId'] },
  ],
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    /** The writing transaction (pg_current_xact_id()): the key readers follow by. */
    xid: p.string().columnType('xid8').defaultRaw('pg_current_xact_id()'),
    createdAt: p.datetime().defaultRaw('now()'),
    kind: p.string().length(40),
    ticketId: p.uuid().nullable(),
    ticketNumber: p.bigint('string').nullable(),
    departmentId: p.uuid().nullable(),
    operatorId: p.uuid().nullable(),
    language: p.enum(LANGUAGES).nativeEnumName('language').nullable(),
    status: p.enum(TICKET_STATUSES).nativeEnumName('ticket_status').nullable(),
    actor: p.string().length(200).nullable(),
    data: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
  },
});
export class TicketEvent extends TicketEventSchema.class {}
TicketEventSchema.setClass(TicketEvent);
