import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14, followers at 500 tickets/s: the pipeline's batches (which hold the operators' row
 * locks from routing to commit, so every other follower waits) spent their time counting queues.
 *
 * - The "decided" event of a queued ticket carries its department's queue length. The trigger
 *   counted it once per queued ticket with a correlated subquery over every ticket without an
 *   operator (a bitmap AND of tickets_operator_idx and tickets_department_idx): 13 ms a count at
 *   2,400 queued tickets, so a batch of 100 queued tickets took 1.3 s inside the lock, and more
 *   as the queue grew. Now one count per department of the batch (the same number: every count
 *   ran after the batch's tickets were written), over a partial index of exactly the queue.
 * - The operators' open loads (src/services/pipeline/run.ts lockOperators, and the trigger's
 *   operator_at_capacity) read every open ticket through tickets_status_created_idx and kept
 *   those with an operator: a partial index of the open tickets by operator reads only those.
 */
export class Migration20261202090000_pipeline_queue_indexes extends Migration {

  override name = 'Migration20261202090000_pipeline_queue_indexes';

  override up(): void | Promise<void> {
    this.addSql(`create index "tickets_queue_idx" on "tickets" ("department_id") where "operator_id" is null and "status" in ('new', 'in_work', 'waiting') and not "escalated";`);
    this.addSql(`create index "tickets_open_operator_idx" on "tickets" ("operator_id", "updated_at") where "operator_id" is not null and "status" in ('new', 'in_work', 'waiting');`);
    // Written so that no plan can repeat the count: the statements are planned without statistics
    // for the transition table (and, on a table filling fast, with stale ones for tickets). Joined
    // in one statement, the queue count was planned as the inner side of a nested loop: run once
    // per queued ticket of the batch (711,502 heap fetches, 0.6 s for a batch of 100 with 7,100
    // queued) or joined row by row with the batch (1.2 million index probes, 4.9 s for 500). So
    // the batch's ticket ids, its queued departments and their queue lengths are computed first,
    // into variables, and the events are built from them.
    this.addSql(`create or replace function "ticket_events_after_prediction"() returns trigger language plpgsql as $$
      declare
        who text := helpdesk_actor();
        written int := 0;
        n int;
        batch uuid[];
        queued uuid[];
        queues jsonb;
      begin
        select array_agg(p.ticket_id) into batch from new_rows p;
        select array_agg(distinct t.department_id) into queued
        from tickets t where t.id = any(array(select p.ticket_id from new_rows p where p.decision = 'queued')) and t.department_id is not null;
        select coalesce(jsonb_object_agg(q.department_id, q.n), '{}'::jsonb) into queues
        from (
          select x.department_id, count(*) as n
          from tickets x
          where x.department_id = any(queued) and x.operator_id is null and x.status in ('new', 'in_work', 'waiting') and not x.escalated
          group by x.department_id
        ) q;
        insert into ticket_events (kind, ticket_id, ticket_number, department_id, operator_id, language, status, actor, data)
        select 'decided', t.id, t.number, t.department_id, t.operator_id, t.language, t.status, who,
               jsonb_build_object('decision', p.decision, 'confidence', round(p.confidence::numeric, 4), 'category', c.name,
                                  'department', d.name, 'operator', o.email, 'operator_name', o.name, 'priority', t.priority,
                                  'escalated', t.escalated, 'sla_due_at', t.sla_due_at, 'reason', p.reason,
                                  'queued_in_department', case when p.decision = 'queued' then coalesce((queues ->> t.department_id::text)::bigint, 0) end)
        from (select * from tickets where id = any(batch)) t
        join new_rows p on p.ticket_id = t.id
        left join categories c on c.id = p.category_id
        left join departments d on d.id = t.department_id
        left join operators o on o.id = t.operator_id
        order by t.number;
        get diagnostics n = row_count;
        written := written + n;
        insert into ticket_events (kind, department_id, operator_id, actor, data)
        select 'operator_at_capacity', o.department_id, o.id, who,
               jsonb_build_object('operator', o.email, 'operator_name', o.name, 'department', d.name, 'open', l.open, 'capacity', o.capacity)
        from (select distinct t.operator_id from tickets t where t.id = any(batch) and t.operator_id is not null) a
        join operators o on o.id = a.operator_id
        join departments d on d.id = o.department_id
        cross join lateral (select count(*)::int as open from tickets x where x.operator_id = o.id and x.status in ('new', 'in_work', 'waiting')) l
        where l.open >= o.capacity
        order by o.email;
        get diagnostics n = row_count;
        written := written + n;
        if written > 0 then perform pg_notify('helpdesk_events', ''); end if;
        return null;
      end
    $$;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index if exists "tickets_open_operator_idx";`);
    this.addSql(`drop index if exists "tickets_queue_idx";`);
    // The per-ticket count of migration 20261202050000 comes back with that migration's function.
    this.addSql(`create or replace function "ticket_events_after_prediction"() returns trigger language plpgsql as $$
      declare
        who text := helpdesk_actor();
        written int := 0;
        n int;
      begin
        insert into ticket_events (kind, ticket_id, ticket_number, department_id, operator_id, language, status, actor, data)
        select 'decided', t.id, t.number, t.department_id, t.operator_id, t.language, t.status, who,
               jsonb_build_object('decision', p.decision, 'confidence', round(p.confidence::numeric, 4), 'category', c.name,
                                  'department', d.name, 'operator', o.email, 'operator_name', o.name, 'priority', t.priority,
                                  'escalated', t.escalated, 'sla_due_at', t.sla_due_at, 'reason', p.reason,
                                  'queued_in_department', case when p.decision = 'queued' then
                                    (select count(*) from tickets q where q.department_id = t.department_id and q.operator_id is null
                                       and q.status in ('new', 'in_work', 'waiting') and not q.escalated) end)
        from new_rows p join tickets t on t.id = p.ticket_id
        left join categories c on c.id = p.category_id
        left join departments d on d.id = t.department_id
        left join operators o on o.id = t.operator_id
        order by t.number;
        get diagnostics n = row_count;
        written := written + n;
        insert into ticket_events (kind, department_id, operator_id, actor, data)
        select 'operator_at_capacity', o.department_id, o.id, who,
               jsonb_build_object('operator', o.email, 'operator_name', o.name, 'department', d.name, 'open', l.open, 'capacity', o.capacity)
        from (select distinct t.operator_id from new_rows p join tickets t on t.id = p.ticket_id where t.operator_id is not null) a
        join operators o on o.id = a.operator_id
        join departments d on d.id = o.department_id
        cross join lateral (select count(*)::int as open from tickets x where x.operator_id = o.id and x.status in ('new', 'in_work', 'waiting')) l
        where l.open >= o.capacity
        order by o.email;
        get diagnostics n = row_count;
        written := written + n;
        if written > 0 then perform pg_notify('helpdesk_events', ''); end if;
        return null;
      end
    $$;`);
  }

}
