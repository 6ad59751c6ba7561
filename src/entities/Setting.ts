import { defineEntity, p } from '@mikro-orm/core';

/**
 * What defines the data rather than how a command behaves, one row per setting (e.g.
 * `stats_time_zone`, the calendar daily_stats are kept in). Read once when a command opens the
 * database (src/db/settings.ts).
 */
export const SettingSchema = defineEntity({
  name: 'Setting',
  tableName: 'settings',
  properties: {
    name: p.string().length(100).primary(),
    value: p.text(),
  },
});
export class Setting extends SettingSchema.class {}
SettingSchema.setClass(Setting);
