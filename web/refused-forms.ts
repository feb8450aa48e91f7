// A refused form, kept for the page it belongs to (post/redirect/get): the POST answers with a
// redirect to that page, which shows the refusal and what was typed once, so the browser's address is
// a page's, never the form's action, and a reload reads the page again instead of sending the form
// again. The sealed session cookie holds only which kept form is whose (cookies are a few kilobytes;
// a statement's texts are far more); the form itself is kept here, sealed under the session key.
import { randomBytes } from 'node:crypto';
import type { FieldErrors } from './forms';

/** How long a refused form waits for the page it was sent to: the browser asks for it at once. */
export const REFUSED_FORM_MS = 10 * 60_000;
/** Refused forms one session keeps waiting at once (a tab each); past this the oldest is forgotten. */
export const MAX_REFUSED_FORMS = 5;

/** What the page shows of a refused form: its action, errors and values, and the status it answers with. */
export interface RefusedForm {
  status: 400 | 409 | 410 | 422;
  form?: { action: string; errors: FieldErrors; values: Record<string, string> };
  /** What a page shows besides a form (a campaign file's problems, a held message gone meanwhile). */
  extra?: Record<string, unknown>;
}

/** Where refused forms wait, sealed, each until its time. */
export interface RefusedFormStore {
  keep(id: string, sealed: string, until: Date): Promise<void>;
  /** The sealed form, removed as it is taken; undefined once taken or past its time. */
  take(id: string): Promise<string | undefined>;
}

/**
 * This process's own: enough for one web process (and the tests), and for several behind a load
 * balancer that sends a session to the same one (sticky sessions). Entries past their time go at the
 * next keep.
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
