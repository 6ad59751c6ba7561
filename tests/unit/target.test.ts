import { describe, expect, it } from 'vitest';
import { defaultDataDir, maskUrl, resolveTarget, scrubSecrets } from '../../src/db/target.ts';

describe('database target', () => {
  it('masks passwords, parseable or not', () => {
    expect(maskUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(maskUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(maskUrl('postgres://u:p@ss@h:port/db')).toBe('postgres://u:***@h:port/db');
  });

  // Issue 13, item 3: every credential a connection string can carry, one masking function.
  it.each([
    ['postgres://u@host/x?password=S3cret', 'postgres://u@host/x?password=***'],
    ['postgres://u:pw@host/x?password=S3cret', 'postgres://u:***@host/x?password=***'],
    ['postgres://u@h/x?sslmode=verify-full&sslkey=/etc/k.pem&sslpassword=K3y&sslcert=/c.pem', 'postgres://u@h/x?sslmode=verify-full&sslkey=/etc/k.pem&sslpassword=***&sslcert=/c.pem'],
    ['postgres://u@h/x?PassWord=S3cret&application_name=hd', 'postgres://u@h/x?PassWord=***&application_name=hd'],
    ['postgres://u:pw@h:99999/x?password=S3cret', 'postgres://u:***@h:99999/x?password=***'],
    ['host=h password=S3cret dbname=x', 'host=h password=*** dbname=x'],
    ['postgres://admin:password@h/x', 'postgres://admin:***@h/x'],
    ['expected postgres://user:password@host:port/database', 'expected postgres://user:password@host:port/database'],
    ["host=h password='a b' dbname=x", 'host=h password=*** dbname=x'],
    ['cannot open database postgres://u:pw@h/x?password=S3cret: refused', 'cannot open database postgres://u:***@h/x?password=***: refused'],
  ])('masks %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it('scrubs every secret of the URL from a driver message', () => {
    expect(scrubSecrets('auth failed for S3cret and K3y%21', 'postgres://u:K3y%21@h/x?password=S3cret')).toBe('auth failed for *** and ***');
  });

  it('prefers --database-url, then DATABASE_URL, then the data directory', () => {
    expect(resolveTarget({ databaseUrl: 'postgres://a@h/x', env: { DATABASE_URL: 'postgres://b@h/y' } })).toMatchObject({ kind: 'postgresql', dbName: 'x' });
    expect(resolveTarget({ env: { DATABASE_URL: 'postgresql://b@h/y' } })).toMatchObject({ kind: 'postgresql', dbName: 'y' });
    expect(resolveTarget({ dataDir: '/tmp/d', env: {} })).toEqual({ kind: 'pglite', dataDir: '/tmp/d', displayUrl: '/tmp/d' });
  });

  it('defaults the data directory from HELPDESK_DATA_DIR, then XDG_DATA_HOME', () => {
    expect(defaultDataDir({ HELPDESK_DATA_DIR: '/srv/hd' })).toBe('/srv/hd');
    expect(defaultDataDir({ XDG_DATA_HOME: '/home/a/.data' })).toBe('/home/a/.data/helpdesk');
  });

  it('rejects URLs without a database or with another scheme', () => {
    expect(() => resolveTarget({ databaseUrl: 'postgres://h', env: {} })).toThrow('names no database');
    expect(() => resolveTarget({ databaseUrl: 'mysql://u:pw@h/db', env: {} })).toThrow('unsupported database URL mysql://u:***@h/db');
  });
});
