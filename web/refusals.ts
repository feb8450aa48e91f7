// The refusals the workspace words in the reader's language: worded in client/refusal-words.ts,
// which the CLI words its refusals with too; the pages pass their views (strings.yaml, dates in the
// campaign's zone). What is the workspace's own: which form field each refusal is tied to.
import { REFUSALS, refusalList, type RefusalDetails, type RefusalValueKind } from '../workflows/refusals';

export { missingTextWords, refusalSentence, refusalWords, wordedRefusal, type RefusalWording } from '../client/refusal-words';

/**
 * A refusal as the problems it says, each with the field it names (`assessment-fr:security`, a key
 * of FIELDS and its item), if it names one: itself, or each of the problems it lists. A refusal that
 * names several fields (a text blank in both languages) is said at each of them.
 */
export function refusedFields(details: RefusalDetails): { field?: string; refusal: RefusalDetails }[] {
  const kinds = Object.entries(REFUSALS[details.refusal]) as [string, RefusalValueKind][];
  const values = details.values as Record<string, string>;
  const listed = kinds.find(([, kind]) => kind === 'refusals');
  const each = listed && refusalList(values[listed[0]]!);
  if (each) return each.flatMap(refusedFields);
  const named = kinds.filter(([, kind]) => kind === 'field');
  return named.length > 0 ? named.map(([name]) => ({ field: values[name], refusal: details })) : [{ refusal: details }];
}
