// A refused form, kept for the page it belongs to (post/redirect/get): the POST answers with a
// redirect to that page, which shows the refusal and what was typed once, so the browser's address is
// a page's, never the form's action, and a reload reads the page again instead of sending the form
// again. The sealed session cookie holds only which kept form is whose (cookies are a few kilobytes;
// a statement's texts are far more); the form itself is kept sealed under the session key, in the
// shared store every web process reads (store/types.ts), or in the process for tests without one.
import { randomBytes } from 'node:crypto';
import type { RefusedFormStore } from '../client/revoked-sessions';
import type { FieldErrors } from './forms';

export type { RefusedFormStore };

/** How long a refused form waits for the page it was sent to: the browser asks for it at once. */
export const REFUSED_FORM_MS = 10 * 60_000;
/** Refused forms one session keeps waiting at once (a tab each); past this the oldest is forgotten. */
export const MAX_REFUSED_FORMS = 5;

/** What the page shows of a refused form: its action, errors and values, and the status it answers with. */
export interface RefusedForm {
  /** 200: a form given back with a question, not refused (a campaign file checked, its start not yet confirmed). */
  status: 200 | 400 | 409 | 410 | 422;
  form?: { action: string; errors: FieldErrors; values: Record<string, string> };
  /** What a page shows besides a form (a campaign file's problems, a held message gone meanwhile). */
  extra?: Record<string, unknown>;
}

/**
 * This process's own, for a workspace built without a shared store (tests): another process would
 * not find what this one keeps. Entries past their time go at the next keep.
 */
export function inProcessRefusedForms(now: () => number = Date.now): RefusedFormStore {
  const kept = new Map<string, { sealed: string; until: number }>();
  return {
    async keep(id, sealed, until) {
      for (const [key, entry] of kept) if (entry.until <= now()) kept.delete(key);
      kept.set(id, { sealed, until: until.getTime() });
    },
    async take(id) {
      const entry = kept.get(id);
      kept.delete(id);
      return entry && entry.until > now() ? entry.sealed : undefined;
    },
  };
}

export function newRefusedFormId(): string {
  return randomBytes(18).toString('base64url');
}
