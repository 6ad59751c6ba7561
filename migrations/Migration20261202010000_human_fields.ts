import { Migration } from '@mikro-orm/migrations';

// Which fields of a ticket a person set (tickets update): the pipeline keeps them (issue 13).

export class Migration20261202010000_human_fields extends Migration {

  override name = 'Migration20261202010000_human_fields';

  override up(): void | Promise<void> {
    this.addSql(`alter table "tickets" add "human_fields" text[] not null default '{}';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "tickets" drop column "human_fields";`);
  }

}
