// The refusals the workspace words in the reader's language: worded in client/refusal-words.ts,
// which the CLI words its refusals with too; the pages pass their views (strings.yaml, dates in the
// campaign's zone).
export { missingTextWords, refusalSentence, wordedRefusal } from '../client/refusal-words';
