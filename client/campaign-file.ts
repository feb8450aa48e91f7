// Reads a campaign file (YAML) from disk and checks it against the campaign schema, so an officer
// learns about a typo in an address before any letter leaves: every problem names the field, the
// file and the line, e.g. `vendors[2].contacts[0].email: invalid email (campaigns/x.yaml:41:18)`.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { checkCampaign, checkVendorFile, type CampaignProblem } from './campaign-schema';
import { DossierError } from '../workflows/errors';
import type { CampaignInput, Vendor } from '../workflows/types';

/**
 * A problem the file's own reading found, before any field: the system's code says why (the file
 * system's, `ENOENT`; the YAML parser's, `DUPLICATE_KEY`; `aliases` for aliases that expand too far),
 * so a front end words it in its reader's language; `message` is the English one for logs.
 */
export type ReadingProblem = CampaignProblem & { line?: number; column?: number; systemCode?: string };

export class CampaignFileError extends DossierError<'InvalidCampaignFile'> {
  constructor(
    readonly file: string,
    readonly problems: ReadingProblem[],
  ) {
    super(
      'InvalidCampaignFile',
      problems.length === 1
        ? problemLine(file, problems[0])
        : `${problems.length} problems in ${file}; fix them and load it again:\n${problems.map((p) => `  - ${problemLine(file, p)}`).join('\n')}`,
    );
  }
}

function problemLine(file: string, p: CampaignProblem & { line?: number; column?: number }): string {
  const at = p.line === undefined ? file : `${file}:${p.line}:${p.column}`;
  return `${p.where}: ${p.message} (${at})`;
}

/** Shows a path relative to the working folder when it is inside it, as officers type it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Checks campaign YAML text; `file` only names it in messages. */
export function parseCampaignYaml(source: string, file = '(campaign file)'): CampaignInput {
  const { doc, lineCounter, value } = readYaml(source, file);
  const checked = checkCampaign(value);
  if (checked.ok) return checked.input;
  throw new CampaignFileError(
    file,
    checked.problems.map((p) => ({ ...p, ...locate(doc, lineCounter, p.path) })),
  );
}

/**
 * Checks a vendor file's text (YAML or JSON: a vendor added to a running campaign) with the rules of
 * a campaign file's vendor; each problem names its field as the file writes it, and its line.
 */
export function parseVendorYaml(source: string, file: string): Vendor {
  const { doc, lineCounter, value } = readYaml(source, file);
  const checked = checkVendorFile(value);
  if (checked.ok) return checked.vendor;
  throw new CampaignFileError(
    file,
    checked.problems.map((p) => ({ ...p, ...locate(doc, lineCounter, p.path) })),
  );
}

/** The file's YAML, parsed; a syntax error or an alias bomb is its first problem. */
function readYaml(source: string, file: string): { doc: Document; lineCounter: LineCounter; value: unknown } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    throw new CampaignFileError(
      file,
      doc.errors.map((e) => {
        const at = lineCounter.linePos(e.pos[0]);
        return { path: [], where: '(syntax)', message: e.message.split('\n')[0], line: at.line, column: at.col, systemCode: e.code };
      }),
    );
  }
  let value: unknown;
  try {
    // The yaml library stops an alias bomb (aliases of aliases expanding to billions of nodes) here.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    throw new CampaignFileError(file, [
      { path: [], where: '(aliases)', message: `YAML aliases (*name) expand too far (${reason}); write the values out instead`, systemCode: 'aliases' },
    ]);
  }
  return { doc, lineCounter, value };
}

/** Loads and checks a campaign file; a relative path is taken from the working folder. */
export function loadCampaignFile(path: string): CampaignInput {
  const absolute = resolve(path);
  let source: string;
  try {
    source = readFileSync(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new CampaignFileError(displayPath(absolute), [{ path: [], where: '(file)', message: `cannot be read (${code})`, systemCode: code }]);
  }
  return parseCampaignYaml(source, displayPath(absolute));
}

/**
 * Line and column of the deepest node along `path` that exists: the value itself when it is there,
 * its parent mapping when the field is missing.
 */
function locate(doc: Document, lineCounter: LineCounter, path: (string | number)[]): { line?: number; column?: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) {
      const at = lineCounter.linePos(range[0]);
      return { line: at.line, column: at.col };
    }
  }
  return {};
}
