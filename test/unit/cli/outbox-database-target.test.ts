import { describe, expect, it } from 'vitest';

import { describeDatabase, withoutPassword } from '../../../src/cli/outbox/database-target.ts';
import type { DatabaseConfig } from '../../../src/config/config.ts';
import { Secret } from '../../../src/core/secret.ts';

const postgres = (url: string): DatabaseConfig => ({ kind: 'postgres', url: new Secret(url) });

describe('how outbox commands name the database', () => {
  it('shows a SQLite path as it is', () => {
    expect(describeDatabase({ kind: 'sqlite', path: './data/lpprov.db' })).toBe('SQLite file ./data/lpprov.db');
  });

  it('hides the password of a PostgreSQL URL, in the userinfo and as a parameter', () => {
    expect(describeDatabase(postgres('postgres://lpprov:p%40ss@db.internal:5432/lpprov'))).toBe(
      'PostgreSQL postgres://lpprov:***@db.internal:5432/lpprov',
    );
    expect(describeDatabase(postgres('postgresql://db/lpprov?user=x&password=hunter2&sslmode=require'))).toBe(
      'PostgreSQL postgresql://db/lpprov?user=x&password=***&sslmode=require',
    );
    expect(describeDatabase(postgres('postgres://db.internal/lpprov'))).toBe('PostgreSQL postgres://db.internal/lpprov');
  });

  it('names an unparseable URL without repeating it', () => {
    expect(describeDatabase(postgres('postgres://a:b@[bad'))).toBe('PostgreSQL (DATABASE_URL is not a valid URL)');
  });

  it('removes the password, encoded or decoded, from any message', () => {
    const config = postgres('postgres://lpprov:p%40ss@db.internal/lpprov?password=other');
    expect(withoutPassword('failed for p%40ss, p@ss and other', config)).toBe('failed for [redacted], [redacted] and [redacted]');
    expect(withoutPassword('bad url postgres://a:b@[bad', postgres('postgres://a:b@[bad'))).toBe('bad url [redacted]');
    expect(withoutPassword('p@ss', { kind: 'sqlite', path: 'p@ss' })).toBe('p@ss');
  });
});
