// A DATABASE_URL is printed in the start-up log and in errors: every password in it is masked,
// whether it is before the host or in the query string.
import { describe, expect, it } from 'vitest';
import { maskDatabaseUrl } from '../../store/postgres';

describe('a database URL in logs', () => {
  it('masks the password before the host', () => {
    expect(maskDatabaseUrl('postgres://dossier:s3cret@db.example.org:5432/dossier')).toBe('postgres://dossier:***@db.example.org:5432/dossier');
  });

  it('masks passwords given as query parameters, whatever their case', () => {
    const masked = maskDatabaseUrl('postgres://dossier@db.example.org/dossier?sslmode=verify-full&password=s3cret&sslpassword=k3y&PassWord=again');
    expect(masked).not.toMatch(/s3cret|k3y|again/);
    expect(masked).toBe('postgres://dossier@db.example.org/dossier?sslmode=verify-full&password=***&sslpassword=***&PassWord=***');
  });

  it('names no part of a URL it cannot parse', () => {
    expect(maskDatabaseUrl('host=db password=s3cret')).toBe('(unparseable DATABASE_URL)');
  });
});
