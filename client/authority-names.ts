// The co-signing authorities as a reader sees them, in the CLI and the workspace alike: by the name
// the campaign file gives each, never by the id it is typed as. The campaign's status carries the
// names; an id with no name (an older worker, an authority the officer mistyped) is shown as it is.
import type { AuthorityNamed } from '../workflows/messages';
import type { RefusalDetails } from '../workflows/refusals';
import { authorityInSentence } from '../workflows/locale';
import type { Language } from '../workflows/types';

/** The sentences the names are set in: the workspace's views, or the CLI's (`cliWording`). */
export interface NameWording {
  text(language: Language, key: string, values?: object): string;
}

/**
 * An authority inside a sentence ("by the Office…", "par le Commissariat…"). French takes the article
 * the campaign file gives; without one, the name is quoted after a noun that carries its own
 * ("l’autorité « … »"), so the sentence stays French.
 */
export function authorityReading(authority: Pick<AuthorityNamed, 'name' | 'article'>, language: Language, wording: NameWording): string {
  return authorityInSentence(authority, language) ?? wording.text(language, 'statement.authority-named', { name: authority.name[language] });
}

/** Who `id` is, in `authorities`, for sentences and lists in `language`. */
export class AuthorityNames {
  constructor(
    private readonly authorities: readonly AuthorityNamed[] | undefined,
    private readonly language: Language,
    private readonly wording: NameWording,
  ) {}

  private find(id: string): AuthorityNamed | undefined {
    return this.authorities?.find((a) => a.id === id);
  }

  /** Its name as a line or a table cell holds it; the id where the campaign gives none. */
  name(id: string): string {
    return this.find(id)?.name[this.language] ?? id;
  }

  /** Its name inside a sentence (`authorityReading`); the id where the campaign gives none. */
  inSentence(id: string): string {
    const found = this.find(id);
    return found ? authorityReading(found, this.language, this.wording) : id;
  }

  /** Several, each by its name, apart by the language's list separator (a name may hold a comma). */
  list(ids: readonly string[]): string {
    return ids.map((id) => this.name(id)).join(this.wording.text(this.language, 'punctuation.list'));
  }

  /**
   * A refusal's values with each authority named: the one it is about, and the signatories an
   * unknown one is not among. An unknown authority stays as it was typed (the sentence quotes it).
   */
  refusal(refusal: RefusalDetails): RefusalDetails {
    const values = { ...(refusal.values as Record<string, string>) };
    if (refusal.refusal === 'unknown-authority') {
      values.known = this.list((values.known ?? '').split(',').map((id) => id.trim()).filter(Boolean));
    } else if (AUTHORITY_REFUSALS.has(refusal.refusal) && values.authority !== undefined) {
      values.authority = this.inSentence(values.authority);
    } else {
      return refusal;
    }
    return { ...refusal, values } as RefusalDetails;
  }
}

/** The refusals whose `authority` value is an id of the campaign's. */
const AUTHORITY_REFUSALS: ReadonlySet<string> = new Set(['signed-elsewhere', 'already-approved', 'approval-stands', 'nothing-to-withdraw']);
