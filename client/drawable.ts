// Text that a statement or letter PDF will print is checked where it enters, so a character no
// embedded font can draw (an emoji, a right-to-left script) is refused while the officer is still
// there to fix it, not when the statement is rendered weeks later.
import { describeCharacter, undrawableCharacters } from '../activities/pdf/fonts';
import { invalidInput } from './errors';

/** Throws an InvalidInput error naming the first field (`findings.security.assessment`) with such characters. */
export function refuseUndrawable(field: string, value: unknown): void {
  if (typeof value === 'string') {
    const missing = undrawableCharacters(value);
    if (missing.length) throw invalidInput(`${field}: contains ${missing.map(describeCharacter).join(', ')}, which no font of Dossier's PDFs can draw`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => refuseUndrawable(`${field}[${i}]`, item));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) refuseUndrawable(`${field}.${key}`, item);
  }
}
