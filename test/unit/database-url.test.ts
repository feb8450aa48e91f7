// A DATABASE_URL is printed in the start-up log and in errors: every password in it is masked,
// whether it is before the host or in the query string. A URL named but empty stops the host.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeSettingsFromEnv } from '../../store';
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

describe('a database URL that is named but empty', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'dossier-url-'));

  it('stops the host when DATABASE_URL_FILE names an empty file (a secret not mounted yet), instead of keeping state in local files', () => {
    const file = join(scratch, 'database-url');
    writeFileSync(file, '\n');
    expect(() => storeSettingsFromEnv({ DATABASE_URL_FILE: file })).toThrow(/DATABASE_URL_FILE \(.*database-url\): the file is empty/);
  });

  it('stops the host when DATABASE_URL_FILE names a file that is missing', () => {
    expect(() => storeSettingsFromEnv({ DATABASE_URL_FILE: join(scratch, 'absent') })).toThrow(/DATABASE_URL_FILE .*cannot read the file \(ENOENT\)/);
  });

  it('refuses DATABASE_URL set but blank (an unset variable in a compose file), and keeps local files only when it is unset', () => {
    expect(() => storeSettingsFromEnv({ DATABASE_URL: ' ' })).toThrow(/DATABASE_URL is set but empty/);
    expect(storeSettingsFromEnv({}).databaseUrl).toBeUndefined();
    expect(storeSettingsFromEnv({ DATABASE_URL: 'postgres://dossier@db.example.org/dossier' }).databaseUrl).toBe('postgres://dossier@db.example.org/dossier');
  });
});
