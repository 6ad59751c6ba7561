import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// A database opened with Kysely alone (`orm: false`, what read commands such as `departments
// list` and `tickets show` use) has the login, settings and session settings of a full open, and
// refuses the ORM with a programming error instead of loading it.

let database: TestDatabase;
let full: { login: string | undefined; settings: Database['settings'] };

beforeAll(async () => {
  database = await createTestDatabase();
  full = { login: database.db.login, settings: database.db.settings };
  // The embedded database admits one opener: let go of the test's own.
  await database.db.close();
});
afterAll(() => database.dispose());

const session = async (db: Database) =>
  (await sql<{ actor: string | null; application: string; login: string }>`select current_setting('helpdesk.actor', true) as actor, current_setting('application_name') as application, session_user as login`.execute(db.sql)).rows[0]!;

describe('opening without the ORM', () => {
  it('has the same login, settings and session settings as a full open', async () => {
    const options = { target: database.db.target, command: 'helpdesk departments list', actor: 'jo doe' };
    const sqlOnly = await openDatabase({ ...options, orm: false });
    let plain: Awaited<ReturnType<typeof session>>;
    try {
      expect(sqlOnly.login).toBe(full.login);
      expect(sqlOnly.settings).toEqual(full.settings);
      plain = await session(sqlOnly);
      // The actor travels as a session setting (made safe: the space becomes "_").
      expect(plain.actor).toBe('jo_doe');
      expect(plain.login).toBe(full.login);
    } finally {
      await sqlOnly.close();
    }
    const withOrm = await openDatabase(options);
    try {
      const viaOrm = await session(withOrm);
      expect(plain).toEqual(viaOrm);
      if (database.backend === 'postgresql') expect(viaOrm.application).toBe('helpdesk: helpdesk departments list');
    } finally {
      await withOrm.close();
    }
  });

  it('refuses db.orm and db.em with a programming error; db.sql works', async () => {
    const db = await openDatabase({ target: database.db.target, command: 'test', orm: false });
    try {
      expect(() => db.em).toThrow(/^programming error: db\.em used on a database opened with \{ orm: false \}/);
      expect(() => db.orm).toThrow(/^programming error: db\.orm used on a database opened with \{ orm: false \}/);
      const zone = await db.sql.selectFrom('settings').select('value').where('name', '=', 'stats_time_zone').executeTakeFirstOrThrow();
      expect(zone.value).toBe(full.settings.statsTimeZone);
    } finally {
      await db.close();
    }
  });

  it('closes twice without harm, and then lets the next opener in', async () => {
    const db = await openDatabase({ target: database.db.target, command: 'test', orm: false });
    await db.close();
    await db.close();
    const next = await openDatabase({ target: database.db.target, command: 'test', orm: false });
    await next.close();
  });
});
