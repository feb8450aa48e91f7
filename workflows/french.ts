// Two rules of written French that the correspondence (activities/) and the web workspace (web/)
// both apply: a word elided before a name that starts with a vowel ("d’Epsilon"), and the hour as
// French typography writes it ("9 h", "9 h 30"). Pure, here because both sides may import workflows/
// and neither may import the other; no workflow uses it, so it stays out of the workflow bundle.

/**
 * French elision before a name: `elide('de', 'Zoom')` gives "de Zoom" but "d’Epsilon", "d’Uber";
 * likewise "que" → "qu’", "le"/"la" → "l’". `elision('de', name)` gives the word alone ("d’",
 * "de "), for a name set in bold. Only before a written vowel: whether a name's h is mute
 * ("d’Hydro-Québec") or aspirated ("de Houseparty") cannot be read from its letters, so an h keeps the
 * full word, as does a y (a consonant in "de Yahoo").
 */
export function elision(word: string, name: string): string {
  const vowelFirst = /^[aeiouœæ]/i.test(name.normalize('NFD'));
  return vowelFirst && /^(de|que|le|la|ne|se|je|me|te|jusque|lorsque|puisque)$/i.test(word) ? `${word.slice(0, -1)}\u2019` : `${word} `;
}
export function elide(word: string, name: string): string {
  return `${elision(word, name)}${name}`;
}

/**
 * A French time at the end of `text` as French typography writes it: no leading zero and no ":00"
 * minutes, joined by no-break spaces ("9 h", "9 h 30"), where Intl's fr-CA writes "09 h 00".
 */
export function frenchHour(text: string): string {
  return text.replace(/(\d{1,2})[\s\u202f]h[\s\u202f](\d{2})$/u, (_, hour: string, minutes: string) => `${Number(hour)}\u00a0h${minutes === '00' ? '' : `\u00a0${minutes}`}`);
}
