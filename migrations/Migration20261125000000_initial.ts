import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000000_initial extends Migration {

  override name = 'Migration20261125000000_initial';

  override up(): void | Promise<void> {
    this.addSql(`create type "priority" as enum ('low', 'medium', 'high', 'critical');`);
    this.addSql(`create type "language" as enum ('ru', 'kk', 'en');`);
    this.addSql(`create type "user_kind" as enum ('client', 'employee');`);
    this.addSql(`create type "ticket_source" as enum ('email', 'chat', 'portal', 'phone');`);
    this.addSql(`create type "issue_type" as enum ('simple', 'complex', 'auto_resolvable');`);
    this.addSql(`create type "ticket_status" as enum ('new', 'auto_resolved', 'in_work', 'waiting', 'closed');`);
    this.addSql(`create type "label_source" as enum ('historic', 'human', 'ai_confirmed');`);
    this.addSql(`create type "author_kind" as enum ('client', 'operator', 'ai', 'system');`);
    this.addSql(`create type "decision" as enum ('auto_resolved', 'escalated', 'routed', 'queued');`);
    this.addSql(`create type "review_state" as enum ('pending', 'confirmed', 'corrected');`);
    this.addSql(`create table "departments" ("id" uuid not null default gen_random_uuid(), "name" varchar(120) not null, "description" text null, "active" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create unique index "departments_name_lower_unique" on "departments" (lower("name"));`);

    this.addSql(`create table "daily_stats" ("id" uuid not null default gen_random_uuid(), "day" date not null, "department_id" uuid null, "tickets_created" int not null default 0, "auto_resolved" int not null default 0, "escalated" int not null default 0, "routed" int not null default 0, "queued" int not null default 0, "predictions" int not null default 0, "predictions_confirmed" int not null default 0, "predictions_corrected" int not null default 0, "routing_errors" int not null default 0, "first_responses" int not null default 0, "first_response_seconds_sum" bigint not null default '0', "resolved" int not null default 0, "resolution_seconds_sum" bigint not null default '0', "closed" int not null default 0, "sla_breaches_low" int not null default 0, "sla_breaches_medium" int not null default 0, "sla_breaches_high" int not null default 0, "sla_breaches_critical" int not null default 0, "backlog_end" int not null default 0, "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create unique index "daily_stats_day_department_unique" on "daily_stats" ("day", coalesce("department_id", '00000000-0000-0000-0000-000000000000'::uuid));`);

    this.addSql(`create table "categories" ("id" uuid not null default gen_random_uuid(), "name" varchar(120) not null, "default_department_id" uuid not null, "default_priority" "priority" not null default 'medium', "description" text null, "active" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "categories_default_department_idx" on "categories" ("default_department_id");`);
    this.addSql(`create unique index "categories_name_lower_unique" on "categories" (lower("name"));`);

    this.addSql(`create table "ai_auto_responses" ("id" uuid not null default gen_random_uuid(), "name" varchar(120) not null, "category_id" uuid not null, "language" "language" not null, "trigger_examples" jsonb not null, "answer" text not null, "active" boolean not null default true, "times_used" int not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "ai_auto_responses_category_language_idx" on "ai_auto_responses" ("category_id", "language");`);
    this.addSql(`alter table "ai_auto_responses" add constraint "ai_auto_responses_name_language_unique" unique ("name", "language");`);

    this.addSql(`create table "ml_models" ("id" uuid not null default gen_random_uuid(), "name" varchar(120) not null, "version" int not null, "algorithm" varchar(120) not null, "artifact" bytea not null, "labels" jsonb not null, "metrics" jsonb not null, "parameters" jsonb not null, "sample_count" int not null, "trained_at" timestamptz not null, "active" boolean not null default false, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create unique index "ml_models_one_active" on "ml_models" ("active") where "active";`);
    this.addSql(`alter table "ml_models" add constraint "ml_models_name_version_unique" unique ("name", "version");`);

    this.addSql(`create table "operators" ("id" uuid not null default gen_random_uuid(), "name" varchar(200) not null, "email" varchar(320) not null, "department_id" uuid not null, "languages" "language"[] not null, "capacity" int not null, "active" boolean not null default true, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "operators_department_idx" on "operators" ("department_id");`);
    this.addSql(`create unique index "operators_email_lower_unique" on "operators" (lower("email"));`);
    this.addSql(`alter table "operators" add constraint "operators_capacity_check" check (capacity > 0);`);

    this.addSql(`create table "users" ("id" uuid not null default gen_random_uuid(), "email" varchar(320) not null, "name" varchar(200) null, "phone" varchar(40) null, "kind" "user_kind" not null default 'client', "preferred_language" "language" null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create unique index "users_email_lower_unique" on "users" (lower("email"));`);

    this.addSql(`create table "tickets" ("id" uuid not null default gen_random_uuid(), "number" bigserial, "source" "ticket_source" not null, "external_id" varchar(200) null, "user_id" uuid null, "subject" varchar(500) not null, "body" text not null, "language" "language" null, "category_id" uuid null, "priority" "priority" null, "issue_type" "issue_type" null, "status" "ticket_status" not null default 'new', "department_id" uuid null, "operator_id" uuid null, "escalated" boolean not null default false, "content_hash" varchar(64) not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "first_response_at" timestamptz null, "resolved_at" timestamptz null, "closed_at" timestamptz null, "sla_due_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "tickets" add constraint "tickets_number_unique" unique ("number");`);
    this.addSql(`create index "tickets_user_idx" on "tickets" ("user_id");`);
    this.addSql(`create index "tickets_category_idx" on "tickets" ("category_id");`);
    this.addSql(`create index "tickets_department_idx" on "tickets" ("department_id");`);
    this.addSql(`create index "tickets_operator_idx" on "tickets" ("operator_id");`);
    this.addSql(`create index "tickets_status_created_idx" on "tickets" ("status", "created_at");`);
    this.addSql(`create index "tickets_created_idx" on "tickets" ("created_at");`);
    this.addSql(`create index "tickets_content_hash_idx" on "tickets" ("content_hash");`);
    this.addSql(`alter table "tickets" add constraint "tickets_source_external_id_unique" unique ("source", "external_id");`);

    this.addSql(`create table "training_samples" ("id" uuid not null default gen_random_uuid(), "text" text not null, "language" "language" null, "category" varchar(120) null, "priority" "priority" null, "issue_type" "issue_type" null, "department" varchar(120) null, "label_source" "label_source" not null, "ticket_id" uuid null, "content_hash" varchar(64) not null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "training_samples_ticket_idx" on "training_samples" ("ticket_id");`);
    this.addSql(`alter table "training_samples" add constraint "training_samples_content_hash_unique" unique ("content_hash");`);
    this.addSql(`create index "training_samples_created_idx" on "training_samples" ("created_at");`);

    this.addSql(`create table "ticket_messages" ("id" uuid not null default gen_random_uuid(), "ticket_id" uuid not null, "author_kind" "author_kind" not null, "author" varchar(320) null, "body" text not null, "auto_response_id" uuid null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "ticket_messages_ticket_created_idx" on "ticket_messages" ("ticket_id", "created_at");`);

    this.addSql(`create table "ai_predictions" ("id" uuid not null default gen_random_uuid(), "ticket_id" uuid not null, "model_id" uuid null, "category_id" uuid null, "priority" "priority" null, "issue_type" "issue_type" null, "department_id" uuid null, "confidence" double precision not null, "scores" jsonb not null, "thresholds" jsonb not null, "decision" "decision" not null, "reason" text not null, "review" "review_state" not null default 'pending', "corrected_category_id" uuid null, "corrected_department_id" uuid null, "corrected_priority" "priority" null, "corrected_issue_type" "issue_type" null, "reviewed_at" timestamptz null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "ai_predictions_ticket_idx" on "ai_predictions" ("ticket_id");`);
    this.addSql(`create index "ai_predictions_model_idx" on "ai_predictions" ("model_id");`);
    this.addSql(`create index "ai_predictions_created_idx" on "ai_predictions" ("created_at");`);

    this.addSql(`alter table "daily_stats" add constraint "daily_stats_department_id_foreign" foreign key ("department_id") references "departments" ("id") on delete cascade;`);

    this.addSql(`alter table "categories" add constraint "categories_default_department_id_foreign" foreign key ("default_department_id") references "departments" ("id");`);

    this.addSql(`alter table "ai_auto_responses" add constraint "ai_auto_responses_category_id_foreign" foreign key ("category_id") references "categories" ("id");`);

    this.addSql(`alter table "operators" add constraint "operators_department_id_foreign" foreign key ("department_id") references "departments" ("id");`);

    this.addSql(`alter table "tickets" add constraint "tickets_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "tickets" add constraint "tickets_category_id_foreign" foreign key ("category_id") references "categories" ("id") on delete restrict;`);
    this.addSql(`alter table "tickets" add constraint "tickets_department_id_foreign" foreign key ("department_id") references "departments" ("id") on delete restrict;`);
    this.addSql(`alter table "tickets" add constraint "tickets_operator_id_foreign" foreign key ("operator_id") references "operators" ("id") on delete restrict;`);

    this.addSql(`alter table "training_samples" add constraint "training_samples_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on delete set null;`);

    this.addSql(`alter table "ticket_messages" add constraint "ticket_messages_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on delete cascade;`);
    this.addSql(`alter table "ticket_messages" add constraint "ticket_messages_auto_response_id_foreign" foreign key ("auto_response_id") references "ai_auto_responses" ("id") on delete set null;`);

    this.addSql(`alter table "ai_predictions" add constraint "ai_predictions_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on delete cascade;`);
    this.addSql(`alter table "ai_predictions" add constraint "ai_predictions_model_id_foreign" foreign key ("model_id") references "ml_models" ("id") on delete set null;`);
    this.addSql(`alter table "ai_predictions" add constraint "ai_predictions_category_id_foreign" foreign key ("category_id") references "categories" ("id") on delete set null;`);
    this.addSql(`alter table "ai_predictions" add constraint "ai_predictions_department_id_foreign" foreign key ("department_id") references "departments" ("id") on delete set null;`);
    this.addSql(`alter table "ai_predictions" add constraint "ai_predictions_corrected_category_id_foreign" foreign key ("corrected_category_id") references "categories" ("id") on delete set null;`);
    this.addSql(`alter table "ai_predictions" add constraint "ai_predictions_corrected_department_id_foreign" foreign key ("corrected_department_id") references "departments" ("id") on delete set null;`);
  }

}
