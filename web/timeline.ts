// The engagement page's timeline in the reader's language: worded in client/timeline-words.ts, which
// the CLI's `engagement show` words its timeline with too; the page passes its views (strings.yaml,
// dates in the campaign's zone).
export { actorWords, entryWords, wordTimeline, type WordedEntry } from '../client/timeline-words';
