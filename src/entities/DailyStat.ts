import { defineEntity, p } from '@mikro-orm/core';
import { Department } from './Department.ts';

/**
 * Daily counters, one row per calendar day for the whole helpdesk (department null)
 * and one per day and department. Sums and counts, never averages, so that rows can be
 * added up over any range and kept current incrementally.
 */
export const DailyStatSchema = defineEntity({
  name: 'DailyStat',
  tableName: 'daily_stats',
  indexes: [
    {
      name: 'daily_stats_day_department_unique',
      expression:
        `create unique index "daily_stats_day_department_unique" on "daily_stats" ("day", coalesce("department_id", '00000000-0000-0000-0000-000000000000'::uuid), "history")`,
    },
  ],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()').onCreate(() => crypto.randomUUID()),
    day: p.date(),
    department: () => p.manyToOne(Department).nullable().deleteRule('cascade'),
    /** Rows of imported history are kept apart from the intake; `stats daily --history` picks. */
    history: p.boolean().default(false),
    ticketsCreated: p.integer().default(0),
    autoResolved: p.integer().default(0),
    escalated: p.integer().default(0),
    routed: p.integer().default(0),
    queued: p.integer().default(0),
    predictions: p.integer().default(0),
    predictionsConfirmed: p.integer().default(0),
    predictionsCorrected: p.integer().default(0),
    routingErrors: p.integer().default(0),
    /** Escalated tickets a person moved out of triage to a department (not routing errors). */
    triagedByPerson: p.integer().default(0),
    firstResponses: p.integer().default(0),
    firstResponseSecondsSum: p.bigint('number').default(0),
    resolved: p.integer().default(0),
    resolutionSecondsSum: p.bigint('number').default(0),
    closed: p.integer().default(0),
    slaBreachesLow: p.integer().default(0),
    slaBreachesMedium: p.integer().default(0),
    slaBreachesHigh: p.integer().default(0),
    slaBreachesCritical: p.integer().default(0),
    /**
     * The one flow counter: tickets (created on any day) resolved or closed on this day. With
     * tickets_created it gives the open backlog at the end of any day as a running sum.
     */
    resolvedOnDay: p.integer().default(0),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class DailyStat extends DailyStatSchema.class {}
DailyStatSchema.setClass(DailyStat);
