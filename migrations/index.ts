import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000000_initial } from './Migration20261125000000_initial.ts';
import { Migration20261125040512_daily_stats_resolved_on_day } from './Migration20261125040512_daily_stats_resolved_on_day.ts';
import { Migration20261202010000_human_fields } from './Migration20261202010000_human_fields.ts';
import { Migration20261202030000_stats_calendar_history } from './Migration20261202030000_stats_calendar_history.ts';
import { Migration20261202050000_ticket_events } from './Migration20261202050000_ticket_events.ts';
import { Migration20261202060000_roles_and_audit } from './Migration20261202060000_roles_and_audit.ts';
import { Migration20261202070000_tickets_durations_unknown } from './Migration20261202070000_tickets_durations_unknown.ts';
import { Migration20261202090000_pipeline_queue_indexes } from './Migration20261202090000_pipeline_queue_indexes.ts';

/**
 * Every migration, in order. Listed here rather than found by globbing the folder, so the
 * same list runs from source, from tests, and on both backends.
 * To add one: `helpdesk db make-migration NAME` writes the file; then add it to this list.
 */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261125000000_initial', class: Migration20261125000000_initial },
  { name: 'Migration20261125040512_daily_stats_resolved_on_day', class: Migration20261125040512_daily_stats_resolved_on_day },
  { name: 'Migration20261202010000_human_fields', class: Migration20261202010000_human_fields },
  { name: 'Migration20261202030000_stats_calendar_history', class: Migration20261202030000_stats_calendar_history },
  { name: 'Migration20261202050000_ticket_events', class: Migration20261202050000_ticket_events },
  { name: 'Migration20261202060000_roles_and_audit', class: Migration20261202060000_roles_and_audit },
  { name: 'Migration20261202070000_tickets_durations_unknown', class: Migration20261202070000_tickets_durations_unknown },
  { name: 'Migration20261202090000_pipeline_queue_indexes', class: Migration20261202090000_pipeline_queue_indexes },
];
