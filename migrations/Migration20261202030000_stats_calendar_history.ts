import { Migration } from '@mikro-orm/migrations';

/**
 * One calendar per database and history kept apart from the intake (issue 11):
 * - `settings` holds what defines the data; `stats_time_zone` is the zone daily_stats are
 *   bucketed in (Asia/Almaty, the default every command used before, for existing databases).
 * - `tickets.history`: imported already handled (or flagged as history), not the day's intake.
 * - daily_stats rows are kept apart by `history`, and count `triaged_by_person` (escalated
 *   tickets a person moved out of triage; no longer routing errors).
 * Existing databases must run `helpdesk stats rebuild` once (the counters' meaning changed).
 */
export class Migration20261202030000_stats_calendar_history extends Migration {

  override name = 'Migration20261202030000_stats_calendar_history';

  override up(): void | Promise<void> {
    this.addSql(`create table "settings" ("name" varchar(100) not null, "value" text not null, primary key ("name"));`);
    this.addSql(`insert into "settings" ("name", "value") values ('stats_time_zone', 'Asia/Almaty');`);
    this.addSql(`alter table "tickets" add column "history" boolean not null default false;`);
    // Best guess for existing rows: handled without a pipeline decision = imported already handled.
    this.addSql(`update "tickets" t set "history" = true where t."status" <> 'new' and not exists (select 1 from "ai_predictions" p where p."ticket_id" = t."id");`);
    this.addSql(`alter table "daily_stats" add column "history" boolean not null default false, add column "triaged_by_person" int not null default 0;`);
    this.addSql(`drop index "daily_stats_day_department_unique";`);
    this.addSql(`create unique index "daily_stats_day_department_unique" on "daily_stats" ("day", coalesce("department_id", '00000000-0000-0000-0000-000000000000'::uuid), "history");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from "daily_stats" where "history";`);
    this.addSql(`drop index "daily_stats_day_department_unique";`);
    this.addSql(`create unique index "daily_stats_day_department_unique" on "daily_stats" ("day", coalesce("department_id", '00000000-0000-0000-0000-000000000000'::uuid));`);
    this.addSql(`alter table "daily_stats" drop column "triaged_by_person", drop column "history";`);
    this.addSql(`alter table "tickets" drop column "history";`);
    this.addSql(`drop table "settings";`);
  }

}
