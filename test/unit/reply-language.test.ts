// The language the intake gives a vendor's message, from its words or its Content-Language:
// real French texts (fixtures/replies, from the campaign's public record), the replies the intake's
// tests send, and short or mixed texts, which must come out "unknown" rather than wrongly marked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths';
import { guessLanguage, replyLanguage } from '../../intake/reply-language';

const fixture = (name: string) => readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'replies', name), 'utf8');

describe('the language of a vendor’s message, from its words', () => {
  it('is French for French texts, whole and paragraph by paragraph', () => {
    for (const name of ['opc-update-2020-12-23.fr.txt', 'cnil-visioconference.fr.txt']) {
      const text = fixture(name);
      expect(guessLanguage(text), name).toBe('fr');
      const paragraphs = text.split('\n').filter((line) => line.length >= 150);
      expect(paragraphs.length, name).toBeGreaterThan(3);
      for (const paragraph of paragraphs) expect(guessLanguage(paragraph), paragraph).toBe('fr');
    }
  });

  it('is English or French for the replies the intake’s tests send', () => {
    expect(guessLanguage('Thank you for your letter. Our response is attached.\n\nKind regards,\nAnna Berg\nPrivacy Office')).toBe('en');
    expect(guessLanguage('Please find our response to the open letter attached.')).toBe('en');
    expect(guessLanguage('We disagree with the statement’s account of our case.')).toBe('en');
    expect(guessLanguage('Bonjour,\n\nVeuillez trouver notre réponse ci-jointe.\n\nCordialement,\nClaire Dubois')).toBe('fr');
    // Elisions with a typographic apostrophe, as French keyboards and Word write them.
    expect(guessLanguage('L’entreprise n’a pas reçu d’autre demande qu’au mois de juillet.')).toBe('fr');
  });

  it('is unknown for a text too short to tell', () => {
    for (const text of ['', 'OK', 'Our response.', 'Merci.', 'Voici notre réponse.', 'See attached, thanks.', 'Zoom Video Communications, Inc.']) {
      expect(guessLanguage(text), text).toBe('unknown');
    }
  });

  it('is unknown for a text written in both languages', () => {
    const mixed = 'Merci. Thank you for the letter, nous vous répondrons avec les documents de la société and the files.';
    expect(guessLanguage(mixed)).toBe('unknown');
    const both = `${fixture('opc-update-2020-12-23.fr.txt').slice(0, 600)}\n\nThank you for your letter of 21 July. We have reviewed the principles and our answers to each of them are in the attached document, with the policies that apply to our service.`;
    expect(guessLanguage(both)).toBe('unknown');
  });

  it('tells from the first 20,000 characters, as many as an engagement records, however long the message', () => {
    const french = fixture('opc-update-2020-12-23.fr.txt');
    const english = 'Thank you for your letter. We have reviewed the principles and our answers are in the attached document.\n';
    // French past the 20,000th character, then pages of English: only what is read counts.
    expect(guessLanguage(`${french.repeat(8)}\n${english.repeat(2_000)}`)).toBe('fr');
    expect(guessLanguage(`${'—\n'.repeat(10_000)}${french}`)).toBe('unknown');
  });

  it('leaves out the lines quoted behind “>”: they are the words being answered, not the vendor’s', () => {
    const quotedFrench = fixture('cnil-visioconference.fr.txt').split('\n').slice(0, 4).map((line) => `> ${line}`).join('\n');
    expect(guessLanguage(`${quotedFrench}\n\nThank you. Our answers to these questions are in the attached document.`)).toBe('en');
  });
});

describe('the language of a vendor’s message, from its Content-Language', () => {
  // Outlook writes its own interface language there (en-US) whatever the message is written in: a
  // French reply from an English Outlook would be read aloud as English.
  it('is the one the words say clearly, whatever the header names', () => {
    expect(replyLanguage('en-US', fixture('cnil-visioconference.fr.txt'))).toBe('fr');
    expect(replyLanguage('fr-CA', 'Please find our response to the open letter attached.')).toBe('en');
    expect(replyLanguage('de-DE', fixture('cnil-visioconference.fr.txt'))).toBe('fr');
  });

  it('is the one its Content-Language names when the words do not say', () => {
    expect(replyLanguage('fr-CA', 'Our response.')).toBe('fr');
    expect(replyLanguage(' FR ', '')).toBe('fr');
  });

  it('is unknown when neither the words nor a header among the campaign’s languages say', () => {
    expect(replyLanguage('de-DE', 'Unsere Antwort.')).toBe('unknown');
    expect(replyLanguage('fr', 'anything', ['en'])).toBe('unknown');
    expect(replyLanguage(undefined, 'Our response.')).toBe('unknown');
  });

  it('tells from the words, with or without a header', () => {
    expect(replyLanguage('en, fr', fixture('opc-update-2020-12-23.fr.txt'))).toBe('fr');
    expect(replyLanguage(undefined, fixture('opc-update-2020-12-23.fr.txt'))).toBe('fr');
    expect(replyLanguage('', 'Please find our response to the open letter attached.')).toBe('en');
  });
});
