import { Migration } from '@mikro-orm/migrations';

export class Migration20261202070000_tickets_durations_unknown extends Migration {

  override name = 'Migration20261202070000_tickets_durations_unknown';

  override up(): void | Promise<void> {
    this.addSql(`alter table "tickets" add column "durations_unknown" boolean not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "tickets" drop column "durations_unknown";`);
  }

}
