import { Migration } from '@mikro-orm/migrations';

export class Migration20261125040512_daily_stats_resolved_on_day extends Migration {

  override name = 'Migration20261125040512_daily_stats_resolved_on_day';

  override up(): void | Promise<void> {
    this.addSql(`alter table "daily_stats" rename column "backlog_end" to "resolved_on_day";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "daily_stats" rename column "resolved_on_day" to "backlog_end";`);
  }

}
