// Who may do what in the workspace. Roles come from the identity provider's claim (web/oidc.ts); this
// module only decides access, never a case rule: whether an action is allowed *now* (stage, version,
// text) is the workflow's answer, through the typed client API, exactly as for the CLI.
export const ROLES = ['lead-officer', 'officer', 'co-signatory', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** What a page or form needs. Checked on the server for every request, whatever the page shows. */
export type Permission =
  /** Campaign list, board and engagement pages: vendors' submissions, decrypted. */
  | 'read-cases'
  /** Every officer action on an engagement. */
  | 'act-on-engagements'
  /** Start a campaign, draft and revise the statement. */
  | 'steer-campaigns'
  /** Approve a statement or request changes, for one's own authority. */
  | 'answer-for-authority'
  /** Download a campaign's audit trail (every action, message and approval, decrypted). */
  | 'export-audit';

const GRANTS: Record<Role, readonly Permission[]> = {
  'lead-officer': ['read-cases', 'act-on-engagements', 'steer-campaigns', 'export-audit'],
  officer: ['read-cases', 'act-on-engagements'],
  'co-signatory': ['answer-for-authority'],
  auditor: ['read-cases', 'export-audit'],
};

export function can(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => GRANTS[role].includes(permission));
}

/**
 * Reads the roles claim: a list (or space-separated string) of `lead-officer`, `officer`, `auditor`
 * and `co-signatory:<authority id>`. Unknown values are ignored; a user with none may not sign in.
 */
export function rolesFromClaim(claim: unknown): { roles: Role[]; authorityId?: string } {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/\s+/) : [];
  const roles = new Set<Role>();
  let authorityId: string | undefined;
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const [name, authority] = value.split(':');
    if (name === 'co-signatory') {
      if (!authority) continue; // a co-signatory bound to no authority could answer for none
      authorityId ??= authority;
      roles.add('co-signatory');
    } else if ((ROLES as readonly string[]).includes(name) && authority === undefined) {
      roles.add(name as Role);
    }
  }
  return { roles: [...roles], authorityId };
}
