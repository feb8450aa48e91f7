// The notes an engagement keeps on a recorded message (what the intake could not keep of it), in
// words: each note from its code and values in the reader's language (strings.yaml, `note.*`), or,
// for a message recorded before notes had codes, its English sentence as written.
import type { InboundMessage, InboundNote, Language } from '../workflows/types';
import { formatCount, formatSize, sentence } from './wording';

type Word = (language: Language, key: string, values: object) => string;

/** One note in words; `word` gives a sentence (the web pages pass their own loaded strings). */
export function inboundNoteText(note: InboundNote, language: Language, word: Word = sentence): string {
  const size = (bytes: number) => formatSize(bytes, language, word);
  switch (note.code) {
    case 'message-too-large':
      return word(language, 'note.message-too-large', { size: size(note.bytes) });
    case 'attachment-too-large':
      return word(language, 'note.attachment-too-large', { name: note.name, size: size(note.bytes), limit: size(note.limitBytes) });
    case 'own-document':
      return word(language, 'note.own-document', { name: note.name, step: note.step });
    case 'own-text':
      return word(language, 'note.own-text', { step: note.step });
    case 'text-cut':
      return word(language, 'note.text-cut', { chars: formatCount(note.chars, language), limit: formatCount(note.limit, language), name: note.name });
    case 'winmail-unreadable':
      return word(language, 'note.winmail-unreadable', { name: note.name });
  }
}

/**
 * A message's notes to show: from their codes when it has them, else its English sentences,
 * `english` marking those a page in another language must tag as English.
 */
export function messageNotes(message: Pick<InboundMessage, 'notes' | 'noteCodes'>, language: Language, word: Word = sentence): { text: string; english: boolean }[] {
  if (message.noteCodes?.length) return message.noteCodes.map((note) => ({ text: inboundNoteText(note, language, word), english: false }));
  return (message.notes ?? []).map((text) => ({ text, english: language !== 'en' }));
}
