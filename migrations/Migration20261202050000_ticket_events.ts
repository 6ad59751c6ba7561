import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14: the durable event stream and SLA breach flag.
 *
 * `ticket_events` is written by triggers on `tickets` and `ai_predictions`, so every writer
 * (ticket create, import, pipeline, tickets update, review, close, SLA check) records its events
 * in the same transaction as its change without knowing about them. The triggers are
 * statement-level with transition tables: one INSERT ... SELECT per statement, whatever the
 * number of rows (an import of 200,000 rows or a pipeline batch of 500 is one statement), and one
 * NOTIFY per statement, which PostgreSQL folds into one per transaction and delivers on commit.
 *
 * Ordering: `xid` (the writing transaction's 64-bit id) lets a reader follow without a gap: every
 * transaction with an xid below the snapshot's xmin has ended, so no event below that horizon can
 * still appear (see src/services/events/store.ts).
 */
export class Migration20261202050000_ticket_events extends Migration {

  override name = 'Migration20261202050000_ticket_events';

  override up(): void | Promise<void> {
    this.addSql(`alter table "tickets" add column "sla_breached_at" timestamptz null;`);
    this.addSql(`create index "tickets_sla_watch_idx" on "tickets" ("sla_due_at") where "sla_breached_at" is null and "status" in ('new', 'in_work', 'waiting');`);

    this.addSql(`create table "ticket_events" ("id" bigserial, "xid" xid8 not null default pg_current_xact_id(), "created_at" timestamptz not null default now(), "kind" varchar(40) not null, "ticket_id" uuid null, "ticket_number" bigint null, "department_id" uuid null, "operator_id" uuid null, "language" "language" null, "status" "ticket_status" null, "actor" varchar(200) null, "data" jsonb not null default '{}', primary key ("id"));`);
    this.addSql(`create index "ticket_events_xid_idx" on "ticket_events" ("xid");`);
    this.addSql(`create index "ticket_events_created_idx" on "ticket_events" ("created_at");`);
    this.addSql(`create index "ticket_events_ticket_idx" on "ticket_events" ("ticket_id");`);

    // Who: the CLI sets helpdesk.actor (the OS user, or "pipeline" / "sla" for the workers);
    // anything else writing with SQL is named by its database role.
    this.addSql(`create or replace function "helpdesk_actor"() returns text language sql stable as $$
      select coalesce(nullif(current_setting('helpdesk.actor', true), ''), current_user::text)
    $$;`);

    // New tickets (tickets create, an import's open tickets): "created". An imported history of
    // tickets already handled adds no events (a watcher has nothing to do with them).
    this.addSql(`create or replace function "ticket_events_after_insert"() returns trigger language plpgsql as $$
      declare
        written int;
      begin
        insert into ticket_events (kind, ticket_id, ticket_number, department_id, operator_id, language, status, actor, data)
        select 'created', r.id, r.number, r.department_id, r.operator_id, r.language, r.status, helpdesk_actor(),
               jsonb_build_object('source', r.source, 'external_id', r.external_id, 'subject', left(r.subject, 200), 'created_at', r.created_at)
        from new_rows r where r.status in ('new', 'in_work', 'waiting')
        order by r.number;
        get diagnostics written = row_count;
        if written > 0 then
          perform pg_notify('helpdesk_events', '');
          if exists (select 1 from new_rows where status = 'new') then perform pg_notify('helpdesk_tickets', ''); end if;
        end if;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "tickets_events_insert" after insert on "tickets" referencing new table as new_rows for each statement execute function "ticket_events_after_insert"();`);

    // Changed tickets: "sla_breached" when flagged; unless the pipeline writes (its "decided"
    // comes from the prediction), "closed" and "updated" with each changed field as [old, new].
    this.addSql(`create or replace function "ticket_events_after_update"() returns trigger language plpgsql as $$
      declare
        who text := helpdesk_actor();
        written int := 0;
        n int;
      begin
        insert into ticket_events (kind, ticket_id, ticket_number, department_id, operator_id, language, status, actor, data)
        select 'sla_breached', nw.id, nw.number, nw.department_id, nw.operator_id, nw.language, nw.status, who,
               jsonb_build_object('priority', nw.priority, 'sla_due_at', nw.sla_due_at, 'breached_at', nw.sla_breached_at)
        from new_rows nw join old_rows o on o.id = nw.id
        where o.sla_breached_at is null and nw.sla_breached_at is not null
        order by nw.number;
        get diagnostics n = row_count;
        written := written + n;
        if who <> 'pipeline' then
          insert into ticket_events (kind, ticket_id, ticket_number, department_id, operator_id, language, status, actor, data)
          select 'closed', nw.id, nw.number, nw.department_id, nw.operator_id, nw.language, nw.status, who,
                 jsonb_build_object('from', o.status, 'closed_at', nw.closed_at)
          from new_rows nw join old_rows o on o.id = nw.id
          where o.status <> 'closed' and nw.status = 'closed'
          order by nw.number;
          get diagnostics n = row_count;
          written := written + n;
          insert into ticket_events (kind, ticket_id, ticket_number, department_id, operator_id, language, status, actor, data)
          select 'updated', c.id, c.number, c.department_id, c.operator_id, c.language, c.status, who, jsonb_build_object('changes', c.changes)
          from (
            select nw.id, nw.number, nw.department_id, nw.operator_id, nw.language, nw.status,
                   jsonb_strip_nulls(jsonb_build_object(
                     'status', case when o.status is distinct from nw.status and nw.status <> 'closed' then jsonb_build_array(o.status, nw.status) end,
                     'priority', case when o.priority is distinct from nw.priority then jsonb_build_array(o.priority, nw.priority) end,
                     'category', case when o.category_id is distinct from nw.category_id then jsonb_build_array(
                        (select name from categories where id = o.category_id), (select name from categories where id = nw.category_id)) end,
                     'department', case when o.department_id is distinct from nw.department_id then jsonb_build_array(
                        (select name from departments where id = o.department_id), (select name from departments where id = nw.department_id)) end,
                     'operator', case when o.operator_id is distinct from nw.operator_id then jsonb_build_array(
                        (select email from operators where id = o.operator_id), (select email from operators where id = nw.operator_id)) end,
                     'escalated', case when o.escalated is distinct from nw.escalated then jsonb_build_array(o.escalated, nw.escalated) end,
                     'subject', case when o.subject is distinct from nw.subject then jsonb_build_array(o.subject, nw.subject) end
                   )) as changes
            from new_rows nw join old_rows o on o.id = nw.id
          ) c
          where c.changes <> '{}'::jsonb
          order by c.number;
          get diagnostics n = row_count;
          written := written + n;
        end if;
        if written > 0 then perform pg_notify('helpdesk_events', ''); end if;
        -- A ticket set back to new is work for the followers.
        if exists (select 1 from new_rows nw join old_rows o on o.id = nw.id where nw.status = 'new' and o.status <> 'new') then
          perform pg_notify('helpdesk_tickets', '');
        end if;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "tickets_events_update" after update on "tickets" referencing old table as old_rows new table as new_rows for each statement execute function "ticket_events_after_update"();`);

    // Decisions: one "decided" per prediction, with where the ticket went; an operator whose
    // assignment filled the last free place: "operator_at_capacity".
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
    this.addSql(`create trigger "ai_predictions_events_insert" after insert on "ai_predictions" referencing new table as new_rows for each statement execute function "ticket_events_after_prediction"();`);

    // A person's review of a prediction: "confirmed" or "corrected" (with the corrected labels).
    this.addSql(`create or replace function "ticket_events_after_review"() returns trigger language plpgsql as $$
      declare
        written int;
      begin
        insert into ticket_events (kind, ticket_id, ticket_number, department_id, operator_id, language, status, actor, data)
        select nw.review::text, t.id, t.number, t.department_id, t.operator_id, t.language, t.status, helpdesk_actor(),
               jsonb_strip_nulls(jsonb_build_object('decision', nw.decision,
                 'category', (select name from categories where id = coalesce(nw.corrected_category_id, nw.category_id)),
                 'department', (select name from departments where id = coalesce(nw.corrected_department_id, nw.department_id)),
                 'priority', coalesce(nw.corrected_priority, nw.priority), 'issue_type', coalesce(nw.corrected_issue_type, nw.issue_type),
                 'predicted_category', (select name from categories where id = nw.category_id),
                 'predicted_department', (select name from departments where id = nw.department_id)))
        from new_rows nw join old_rows o on o.id = nw.id join tickets t on t.id = nw.ticket_id
        where nw.review in ('confirmed', 'corrected')
          and (o.review is distinct from nw.review
               or o.corrected_category_id is distinct from nw.corrected_category_id
               or o.corrected_department_id is distinct from nw.corrected_department_id
               or o.corrected_priority is distinct from nw.corrected_priority
               or o.corrected_issue_type is distinct from nw.corrected_issue_type)
        order by t.number;
        get diagnostics written = row_count;
        if written > 0 then perform pg_notify('helpdesk_events', ''); end if;
        return null;
      end
    $$;`);
    this.addSql(`create trigger "ai_predictions_events_update" after update on "ai_predictions" referencing old table as old_rows new table as new_rows for each statement execute function "ticket_events_after_review"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "ai_predictions_events_update" on "ai_predictions";`);
    this.addSql(`drop trigger if exists "ai_predictions_events_insert" on "ai_predictions";`);
    this.addSql(`drop trigger if exists "tickets_events_update" on "tickets";`);
    this.addSql(`drop trigger if exists "tickets_events_insert" on "tickets";`);
    this.addSql(`drop function if exists "ticket_events_after_review"();`);
    this.addSql(`drop function if exists "ticket_events_after_prediction"();`);
    this.addSql(`drop function if exists "ticket_events_after_update"();`);
    this.addSql(`drop function if exists "ticket_events_after_insert"();`);
    this.addSql(`drop function if exists "helpdesk_actor"();`);
    this.addSql(`drop table if exists "ticket_events";`);
    this.addSql(`drop index if exists "tickets_sla_watch_idx";`);
    this.addSql(`alter table "tickets" drop column "sla_breached_at";`);
  }

}
