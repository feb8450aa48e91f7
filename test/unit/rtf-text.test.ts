// The words of an Outlook RTF body: plain RTF read as text, HTML encapsulated in RTF ([MS-OXRTFEX])
// given back as its HTML. The RTF here is written by hand, each piece as the spec's examples write it,
// but for the spec's own encapsulation example, with the HTML rtf-stream-parser expects (test/fixtures/rtf).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rtfBody } from '../../intake/rtf-text';
import { PROJECT_ROOT } from '../../paths';

const fixture = (name: string) => readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'rtf', name));

const rtf = (text: string) => Buffer.from(text, 'latin1');

describe('reading the words of an RTF body', () => {
  it('reads paragraphs, line breaks and tabs, and leaves out the font, colour and style tables, the info and the optional destinations', () => {
    const body = rtf(
      '{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}{\\colortbl;\\red255\\green0\\blue0;}{\\stylesheet{\\s0 Normal;}}' +
        '{\\info{\\author Vendor}}{\\*\\generator Riched20;}\\viewkind4\\uc1\\pard\\f0\\fs20 Dear officer,\\par\r\nOur answer:\\line item\\tab 1\\par{\\pict\\pngblip 89504e47}}',
    );
    expect(rtfBody(body)).toEqual({ text: 'Dear officer,\nOur answer:\nitem\t1\n' });
  });

  it('reads \\\'hh in the document’s code page, Windows-1252 unless \\ansicpg says otherwise', () => {
    expect(rtfBody(rtf("{\\rtf1\\ansi Caf\\'e9 \\'80 \\'92}"))).toEqual({ text: 'Café € ’' });
    expect(rtfBody(rtf("{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2}"))).toEqual({ text: 'Привет' });
  });

  it('reads \\uN, negative or not, and skips the \\ucN characters after it that stand in for it', () => {
    expect(rtfBody(rtf("{\\rtf1\\ansi\\uc1 \\u233?t\\u-3913?\\uc2 \\u8364\\'80\\'80 \\uc0\\u339 uvre}"))).toEqual({ text: 'ét\uf0b7€ œuvre' });
    // A pair of \uN for a character beyond the BMP, as Word writes an emoji.
    expect(rtfBody(rtf('{\\rtf1\\ansi\\uc1\\u-10179?\\u-8704?}'))).toEqual({ text: '😀' });
  });

  it('reads the control symbols that stand for characters, and skips \\bin data', () => {
    expect(rtfBody(rtf('{\\rtf1\\ansi a\\~b\\_c\\-d \\{x\\} \\\\ \\bin4 }}}}e\\emdash f}'))).toEqual({ text: 'a\u00a0b\u2011cd {x} \\ e—f' });
  });

  it('gives back the HTML an HTML-encapsulated RTF carries: the \\htmltag groups and the text outside \\htmlrtf', () => {
    // As Outlook writes it ([MS-OXRTFEX] 4.1): the HTML in \*\htmltag groups, RTF that only renders it between \htmlrtf and \htmlrtf0.
    const body = rtf(
      '{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl{\\f0\\fswiss Arial;}}\r\n' +
        '{\\*\\htmltag19 <html>}{\\*\\htmltag34 <head>}{\\*\\htmltag161 <meta charset="windows-1252">}{\\*\\htmltag41 </head>}{\\*\\htmltag50 <body>}\r\n' +
        '\\htmlrtf {\\htmlrtf0 {\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Nous r\\\'e9pondons \\\'e0 vos questions&nbsp;:\\htmlrtf\\par\\htmlrtf0 ' +
        "{\\*\\htmltag84 &lt;}\\htmlrtf <\\htmlrtf0 voir pi\\'e8ce jointe{\\*\\htmltag84 &gt;}\\htmlrtf >\\htmlrtf0 {\\*\\htmltag72 </p>}\\htmlrtf }\\htmlrtf0 \\htmlrtf }\\htmlrtf0 " +
        '{\\*\\htmltag58 </body>}{\\*\\htmltag27 </html>}}',
    );
    expect(rtfBody(body)).toEqual({
      html: '<html><head><meta charset="windows-1252"></head><body><p>Nous répondons à vos questions&nbsp;:&lt;voir pièce jointe&gt;</p></body></html>',
    });
  });

  it('gives back the very HTML of [MS-OXRTFEX]’s example, as rtf-stream-parser’s test expects it', () => {
    expect(rtfBody(fixture('encapsulated.rtf'))).toEqual({ html: fixture('encapsulated.html').toString('latin1') });
  });

  it('reads an RTF made of text (\\fromtext) as any other', () => {
    expect(rtfBody(rtf('{\\rtf1\\ansi\\ansicpg1252\\fromtext \\deff0{\\fonttbl{\\f0 Courier;}}Bonjour,\\par Voici.\\par}'))).toEqual({ text: 'Bonjour,\nVoici.\n' });
  });

  it('reads a body nested deeper than it keeps groups for, in time proportional to its size', () => {
    const depth = 100_000;
    const started = Date.now();
    const read = rtfBody(rtf(`{\\rtf1\\ansi ${'{'.repeat(depth)}deep${'}'.repeat(depth)} after}`));
    expect(read).toEqual({ text: 'deep after' });
    expect(Date.now() - started).toBeLessThan(2_000);
    // A skipped destination stays skipped however deep its groups go.
    expect(rtfBody(rtf(`{\\rtf1\\ansi {\\fonttbl${'{'.repeat(depth)}Arial${'}'.repeat(depth)}}text}`))).toEqual({ text: 'text' });
  });
});

describe('a crafted RTF body costs time in proportion to its size', () => {
  it('reads 100,000 spaces that end no line, then 100,000 that end one, in well under a second (it took 24 s)', () => {
    // A run the line-end trimming restarted at each of its spaces. Linear, this takes about 20 ms on a
    // loaded machine, and ten megabytes under two seconds.
    const body = rtf(`{\\rtf1\\ansi Dear officer,${' '.repeat(100_000)}x${' \t'.repeat(50_000)}\\par}`);
    const started = Date.now();
    expect(rtfBody(body)).toEqual({ text: `Dear officer,${' '.repeat(100_000)}x\n` });
    expect(Date.now() - started).toBeLessThan(2_000);
  }, 120_000);

  it('reads a 10 MB body of plain words in a process whose heap is 64 MB (one number per byte took some 300 MB)', () => {
    // In a process of its own, so the limit is the reader's alone: past it, Node aborts.
    const dir = mkdtempSync(join(tmpdir(), 'rtf-text-'));
    try {
      const script = join(dir, 'read.ts');
      writeFileSync(
        script,
        `import { rtfBody } from ${JSON.stringify(join(PROJECT_ROOT, 'intake', 'rtf-text.ts'))};\n` +
          `const body = Buffer.from('{\\\\rtf1\\\\ansi ' + 'abcdefgh '.repeat(1_165_000) + '}', 'latin1');\n` +
          `const read = rtfBody(body);\n` +
          `process.stdout.write(String('text' in read ? read.text.length : -1));\n`,
      );
      const run = spawnSync(process.execPath, ['--max-old-space-size=64', '--import', 'tsx', script], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
      expect({ status: run.status, signal: run.signal, out: run.stdout }).toEqual({ status: 0, signal: null, out: String(9 * 1_165_000) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('the character set of each font', () => {
  it('reads \\\'hh in a font whose \\fcharset is Cyrillic (Riched20, Word) in that charset, not \\ansicpg', () => {
    const body = rtf(
      "{\\rtf1\\ansi\\ansicpg1252\\deff0\\nouicompat{\\fonttbl{\\f0\\fnil\\fcharset204 Calibri;}{\\f1\\fnil\\fcharset0 Calibri;}}{\\*\\generator Riched20 10.0.19041}\\viewkind4\\uc1\\pard\\f0\\lang1049\\'c7\\'e4\\'f0\\'e0\\'e2\\'f1\\'f2\\'e2\\'f3\\'e9\\'f2\\'e5\\f1\\lang9 , officer\\'e9\\par}",
    );
    expect(rtfBody(body)).toEqual({ text: 'Здравствуйте, officeré\n' });
  });

  it('reads each group in its own font’s charset, Greek and Central European, and the default font’s (\\deff) where none is named', () => {
    const body = rtf(
      "{\\rtf1\\ansi\\ansicpg1252\\deff2{\\fonttbl{\\f0\\froman\\fcharset161 Times;}{\\f1\\fswiss\\fcharset238 Arial;}{\\f2\\fswiss\\fcharset0 Arial;}{\\f3\\fnil\\fcharset2 Symbol;}}" +
        "\\'e9 {\\f0 \\'e1\\'e2\\'e3}{\\f1  \\'b9\\'e8}{\\f3  \\'b7} \\'e9\\par}",
    );
    expect(rtfBody(body)).toEqual({ text: 'é αβγ ąč · é\n' });
  });
});

describe('hidden text', () => {
  it('leaves out hidden text (\\v to \\v0, or to the end of its group) and footnotes', () => {
    expect(rtfBody(rtf('{\\rtf1\\ansi Visible {\\v hidden words}shown \\v also hidden\\v0 shown{\\footnote\\pard\\plain A footnote.}.\\par}'))).toEqual({ text: 'Visible shown shown.\n' });
  });
});
