// The text rules every input goes through: lengths, one-line names, control characters, markup,
// file names and email addresses, each refusal a sentence that follows the field's name.
import { describe, expect, it } from 'vitest';
import {
  activeMarkup,
  checkEmail,
  checkFileName,
  checkList,
  checkText,
  emailProblem,
  fileNameProblem,
  LIMITS,
  NAME,
  quote,
  textProblem,
} from '../../workflows/text-rules';

const TEXT = { kind: 'text', max: 100 } as const;
const LINE = { kind: 'line', max: 100 } as const;

describe('text rules', () => {
  it('accepts ordinary names in any script, and free text with line breaks and comparisons', () => {
    expect(textProblem('Zoë Łukasiewicz-Παπαδόπουλος', NAME)).toBeUndefined();
    expect(textProblem('Chan Wing-yan (陳詠欣)', NAME)).toBeUndefined();
    expect(textProblem('Keys rotate when n < 3 and t > 2.\nSee annex B.\r\n\tIndented.', TEXT)).toBeUndefined();
  });

  it('lets a harmless tag through in free text (templates escape it) but never in a name', () => {
    expect(textProblem('We use <b>end-to-end</b> encryption', TEXT)).toBeUndefined();
    expect(textProblem('Zoom <b>Video</b>', NAME)).toBe('must not contain < or >: a name is plain text, not markup');
  });

  it('refuses empty, missing and non-text values, saying which', () => {
    expect(textProblem('   ', TEXT)).toBe('must not be empty');
    expect(textProblem(undefined, TEXT)).toBe('is required');
    expect(textProblem(42, TEXT)).toBe('must be text, not a number');
    expect(textProblem(['a'], TEXT)).toBe('must be text, not a list');
    expect(textProblem(null, TEXT)).toBe('must be text, not nothing');
    expect(textProblem(undefined, { ...TEXT, optional: true })).toBeUndefined();
  });

  it('refuses text over its limit, naming the limit and the length', () => {
    expect(textProblem('x'.repeat(100), TEXT)).toBeUndefined();
    expect(textProblem('x'.repeat(101), TEXT)).toBe('must be at most 100 characters (got 101)');
    expect(() => checkText('the response summary', 'x'.repeat(LIMITS.summary + 1), { kind: 'text', max: LIMITS.summary })).toThrow(
      `the response summary must be at most 20000 characters (got ${LIMITS.summary + 1})`,
    );
  });

  it.each([
    ['CR LF', 'Ann\r\nBcc: victim@example.org', 'U+000D'],
    ['LF', 'Ann\nBcc: victim@example.org', 'U+000A'],
    ['NEL', 'Ann\u0085Bcc: x', 'U+0085'],
    ['line separator', 'Ann\u2028Bcc: x', 'U+2028'],
  ])('refuses a %s in a name or a title: header injection', (_label, value, code) => {
    expect(textProblem(value, NAME)).toBe(`must be on one line: it contains a line break (${code})`);
    expect(textProblem(value, LINE)).toBe(`must be on one line: it contains a line break (${code})`);
  });

  it('refuses control characters: NUL, escape and tab in a name; NUL and escape in free text', () => {
    expect(textProblem('Ann\u0000', NAME)).toBe('must not contain control characters (found U+0000)');
    expect(textProblem('Ann\tLee', NAME)).toBe('must not contain control characters (found U+0009)');
    expect(textProblem('red \u001b[31m text', TEXT)).toBe('must not contain control characters (found U+001B)');
    expect(textProblem('a\u0000b', TEXT)).toBe('must not contain control characters (found U+0000)');
  });

  it.each([
    ['<script>alert(1)</script>', '<script'],
    ['</SCRIPT >', '</SCRIPT'],
    ['see <iframe src="https://evil.example">', '<iframe'],
    ['<img src=x onerror=alert(1)>', '<img'],
    ['<style>body{display:none}</style>', '<style'],
    ['<a href="JavaScript:alert(1)">docs</a>', 'JavaScript:'],
    ['<div onclick="steal()">click</div>', '<div onclick='],
    ['<svg/onload=alert(1)>', '<svg'],
    ['open data:text/html;base64,PHNjcmlwdD4=', 'data:text/html'],
  ])('refuses active markup in free text: %s', (value, found) => {
    expect(activeMarkup(value)).toBe(found);
    expect(textProblem(value, TEXT)).toBe(`must not contain markup (found ${quote(found)}): markup is not accepted, describe it in words`);
  });

  it('accepts names of files received and refuses paths, dot names and NUL bytes', () => {
    expect(fileNameProblem('Zoom privacy whitepaper (2020).pdf')).toBeUndefined();
    expect(fileNameProblem('../../etc/passwd')).toBe('must be a file name, not a path (got "../../etc/passwd")');
    expect(fileNameProblem('/etc/passwd')).toBe('must be a file name, not a path (got "/etc/passwd")');
    expect(fileNameProblem('C:\\Windows\\win.ini')).toMatch(/^must be a file name, not a path/);
    expect(fileNameProblem('C:win.ini')).toMatch(/^must be a file name, not a path/);
    expect(fileNameProblem('..')).toBe('must be a file name, not ".."');
    expect(fileNameProblem('reply.pdf\u0000.txt')).toBe('must not contain control characters (found U+0000)');
    expect(fileNameProblem('x'.repeat(256))).toBe('must be at most 255 characters (got 256)');
    expect(() => checkFileName('attachment 2', '../secret')).toThrow('attachment 2 must be a file name, not a path');
  });

  it('accepts addresses zod accepts and refuses injected headers and malformed ones', () => {
    expect(emailProblem('privacy@zoom.example')).toBeUndefined();
    expect(emailProblem("o'brien+dpo@mail.ico.example")).toBeUndefined();
    expect(emailProblem('a@b.test\r\nBcc: victim@example.org')).toBe('must be on one line: it contains a line break (U+000D)');
    expect(emailProblem('Ann <ann@zoom.example>')).toMatch(/^must be an email address such as name@example.org/);
    expect(emailProblem('ann@zoom.example, eve@evil.example')).toMatch(/^must be an email address such as name@example.org/);
    expect(emailProblem('ann@localhost')).toMatch(/^must be an email address/);
    expect(emailProblem(`${'a'.repeat(250)}@b.org`)).toBe('must be at most 254 characters (got 256)');
    expect(() => checkEmail('the email address of attendee 1', 'nope')).toThrow(
      'the email address of attendee 1 must be an email address such as name@example.org (got "nope")',
    );
  });

  it('checks lists: their type, emptiness and length', () => {
    expect(() => checkList('the questions', 'why?', 50)).toThrow('the questions must be a list, not a string');
    expect(() => checkList('the questions', [], 50)).toThrow('the questions must not be empty');
    expect(() => checkList('attachments', [], 100, true)).not.toThrow();
    expect(() => checkList('the questions', Array(51).fill('q'), 50)).toThrow('the questions must have at most 50 entries (got 51)');
  });

  it('quotes a value for a message, cut short', () => {
    expect(quote('q9')).toBe('"q9"');
    expect(quote('x'.repeat(1_000))).toHaveLength(58);
    expect(quote(undefined)).toBe('undefined');
  });
});
