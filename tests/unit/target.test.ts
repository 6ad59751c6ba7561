import { describe, expect, it } from 'vitest';
import { defaultDataDir, maskUrl, resolveTarget } from '../../src/db/target.ts';

describe('database target', () => {
  it('masks passwords, parseable or not', () => {
    expect(maskUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(maskUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(maskUrl('postgres://u:p@ss@h:port/db')).toBe('postgres://u:***@h:port/db');
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
