import { defineEntity, p } from '@mikro-orm/core';
import { AiPrediction } from './AiPrediction.ts';
import { Category } from './Category.ts';
import { Department } from './Department.ts';
import { ISSUE_TYPES, LANGUAGES, PRIORITIES, TICKET_SOURCES, TICKET_STATUSES } from './enums.ts';
import { Operator } from './Operator.ts';
import { TicketMessage } from './TicketMessage.ts';
import { User } from './User.ts';

export const TicketSchema = defineEntity({
  name: 'Ticket',
  tableName: 'tickets',
  indexes: [
    { name: 'tickets_status_created_idx', properties: ['status', 'createdAt'] },
    { name: 'tickets_created_idx', properties: ['createdAt'] },
    { name: 'tickets_content_hash_idx', properties: ['contentHash'] },
    {
      name: 'tickets_sla_watch_idx',
      expression: `create index "tickets_sla_watch_idx" on "tickets" ("sla_due_at") where "sla_breached_at" is null and "status" in ('new', 'in_work', 'waiting')`,
    },
    // The queue of each department and the open tickets of each operator, counted by the pipeline
    // inside its operators lock (migration 20261202090000).
    {
      name: 'tickets_queue_idx',
      expression: `create index "tickets_queue_idx" on "tickets" ("department_id") where "operator_id" is null and "status" in ('new', 'in_work', 'waiting') and not "escalated"`,
    },
    {
      name: 'tickets_open_operator_idx',
      expression: `create index "tickets_open_operator_idx" on "tickets" ("operator_id", "updated_at") where "operator_id" is not null and "status" in ('new', 'in_work', 'waiting')`,
    },
  ],
  uniques: [{ name: 'tickets_source_external_id_unique', properties: ['source', 'externalId'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()').onCreate(() => crypto.randomUUID()),
    /** Human-friendly ticket number shown to clients ("#1042"). */
    number: p.bigint('number').autoincrement().unique('tickets_number_unique'),
    source: p.enum(TICKET_SOURCES).nativeEnumName('ticket_source'),
    /** The ticket's id in the system it came from; unique per source. */
    externalId: p.string().length(200).nullable(),
    user: () => p.manyToOne(User).inversedBy('tickets').nullable().index('tickets_user_idx'),
    subject: p.string().length(500),
    body: p.text(),
    language: p.enum(LANGUAGES).nativeEnumName('language').nullable(),
    category: () => p.manyToOne(Category).inversedBy('tickets').nullable().deleteRule('restrict').index('tickets_category_idx'),
    priority: p.enum(PRIORITIES).nativeEnumName('priority').nullable(),
    issueType: p.enum(ISSUE_TYPES).nativeEnumName('issue_type').nullable(),
    status: p.enum(TICKET_STATUSES).nativeEnumName('ticket_status').default('new'),
    department: () => p.manyToOne(Department).inversedBy('tickets').nullable().deleteRule('restrict').index('tickets_department_idx'),
    operator: () => p.manyToOne(Operator).inversedBy('tickets').nullable().deleteRule('restrict').index('tickets_operator_idx'),
    escalated: p.boolean().default(false),
    /**
     * Fields a person set (`tickets update`): category, priority, department, operator. The
     * pipeline keeps them and decides the rest around them.
     */
    humanFields: p.array().defaultRaw(`'{}'`),
    /** Imported already handled (or flagged as history): counted apart from the day's intake. */
    history: p.boolean().default(false),
    /** SHA-256 of the normalised subject and body: finds duplicates without an external id. */
    contentHash: p.string().length(64),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
    firstResponseAt: p.datetime().nullable(),
    resolvedAt: p.datetime().nullable(),
    closedAt: p.datetime().nullable(),
    slaDueAt: p.datetime().nullable(),
    /**
     * Set by the importer when the file's times cannot be trusted for durations (out of order, or
     * no creation time): the statistics count the ticket but leave its durations out.
     */
    durationsUnknown: p.boolean().default(false),
    /** When the SLA monitor found it open past sla_due_at (set once; `helpdesk sla check`). */
    slaBreachedAt: p.datetime().nullable(),
    messages: () => p.oneToMany(TicketMessage).mappedBy('ticket'),
    predictions: () => p.oneToMany(AiPrediction).mappedBy('ticket'),
  },
});
export class Ticket extends TicketSchema.class {}
TicketSchema.setClass(Ticket);
