import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// Issue 13, item 3: a password in the URL's query string (or an SSL key passphrase) was printed
// in clear by errors, `db status` and `db init`. Key paths are not secrets and stay.

const serverUrl = process.env.DATABASE_URL;
let database: TestDatabase | undefined;
beforeAll(async () => {
  if (serverUrl) database = await createTestDatabase();
});
afterAll(async () => database?.dispose());

const withSecrets = (url: string) => `${url}${url.includes('?') ? '&' : '?'}password=S3cret&sslpassword=K3y&sslkey=/etc/helpdesk/client.key`;

describe('credentials in a connection string are never printed', () => {
  it('a connection error masks the user-info password and every secret parameter', async () => {
    const result = await runCli(['db', 'status', '--database-url', withSecrets('postgres://admin:Pw0rd@127.0.0.1:1/helpdesk')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'hint: --database-url holds a password, which shells keep in their history and `ps` shows to every user: leave it out and set PGPASSWORD, or use ~/.pgpass or a service file (PGSERVICEFILE)\n' +
        'error: cannot open database postgres://admin:***@127.0.0.1:1/helpdesk?password=***&sslpassword=***&sslkey=/etc/helpdesk/client.key: connection refused (is the server running?)\n',
    );
  });

  it('a malformed URL is masked too', async () => {
    const result = await runCli(['db', 'status'], { env: { DATABASE_URL: 'postgres://u:pw@h:99999/x?password=S3cret' } });
    expect(result.code).toBe(3);
    expect(result.stderr).not.toMatch(/S3cret|pw@/);
  });

  it.skipIf(!serverUrl)('db init and db status (text and JSON) on a server show the location masked', async () => {
    const url = withSecrets(database!.env.DATABASE_URL!).replace('sslpassword=K3y&sslkey=/etc/helpdesk/client.key', 'sslpassword=K3y');
    for (const args of [['db', 'init', '--no-seed'], ['db', 'status'], ['db', 'status', '--json'], ['db', 'init', '--json']]) {
      const result = await runCli([...args, '--database-url', url]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout + result.stderr).not.toMatch(/S3cret|K3y/);
      expect(result.stdout + result.stderr).toContain('password=***&sslpassword=***');
    }
  });
});
