// The embedded default's development users: someone trying the demo campaign can approve its whole
// statement in the workspace, as each authority, under the name the statement prints for it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_DEV_USERS, devUsersTable } from '../../web/dev-identity-provider';
import { PROJECT_ROOT } from '../../paths';

const demo = parseYaml(readFileSync(join(PROJECT_ROOT, 'campaigns', 'video-conferencing-2020.yaml'), 'utf8')) as {
  authorities: { id: string; contact: { name: string; email: string } }[];
  officers: { name: string; email: string; language: string }[];
};

describe('the development users of the embedded default', () => {
  const signers = DEFAULT_DEV_USERS.flatMap((user) => user.roles.filter((r) => r.startsWith('co-signatory:')).map((r) => ({ user, authorityId: r.slice('co-signatory:'.length) })));

  it('give every authority of the demo campaign one co-signatory, and none the campaign lacks', () => {
    expect(signers.map((s) => s.authorityId).sort()).toEqual(demo.authorities.map((a) => a.id).sort());
  });

  it('name every co-signatory, the lead officer too, as the campaign file names its authority’s contact', () => {
    for (const { user, authorityId } of signers) {
      const contact = demo.authorities.find((a) => a.id === authorityId)!.contact.name;
      expect(contact.startsWith(user.name), `${user.login}: ${user.name} / ${contact}`).toBe(true);
    }
  });

  it('are printed at start in aligned columns, each saying the language its workspace opens in', () => {
    const lines = devUsersTable(DEFAULT_DEV_USERS);
    expect(lines[0]).toMatch(/^login\s+name\s+language\s+roles$/);
    const column = (word: string) => lines[0]!.indexOf(word);
    for (const [i, user] of DEFAULT_DEV_USERS.entries()) {
      const line = lines[i + 1]!;
      expect(line.indexOf(user.name), user.login).toBe(column('name'));
      expect(line.slice(column('language')).startsWith(user.locale === 'fr' ? 'French ' : 'English '), user.login).toBe(true);
      expect(line.lastIndexOf(user.roles[0]!), user.login).toBe(column('roles'));
    }
    expect(lines.filter((l) => / French /.test(l)).map((l) => l.split(' ')[0])).toEqual(['lead', 'fdpic']);
  });

  it('are the campaign file’s officers, by name, address and language: the digest the demo sends, and the steps it records, are theirs', () => {
    const officers = DEFAULT_DEV_USERS.filter((u) => u.roles.includes('officer') || u.roles.includes('lead-officer'));
    expect(officers.map((u) => [u.name, u.email, u.locale ?? 'en']).sort()).toEqual(demo.officers.map((o) => [o.name, o.email, o.language]).sort());
  });

  it('have logins of their own', () => {
    expect(new Set(DEFAULT_DEV_USERS.map((u) => u.login)).size).toBe(DEFAULT_DEV_USERS.length);
  });
});
