// The examples in docs/input-files.md are the documentation of every input file; this reads each
// one through the reader the CLI uses, so a documented example that no longer loads fails here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCampaignFile } from '../../client/campaign-file';
import {
  readAnswersFile,
  readConclusionsFile,
  readFindingsFile,
  readOpenCasesFile,
  readQuestionsFile,
  readStatementTextFile,
  readResponseFile,
  readVendorFile,
} from '../../client/commands/input-files';
import { PRINCIPLES } from '../../workflows/types';

const DOC = join(__dirname, '..', '..', 'docs', 'input-files.md');

/** `<!-- example: name -->` followed by a fenced block: name → block text. */
function documentedExamples(markdown: string): Map<string, string> {
  const examples = new Map<string, string>();
  for (const match of markdown.matchAll(/<!-- example: ([\w.-]+) -->\n```[^\n]*\n([\s\S]*?)\n```/g)) {
    examples.set(match[1]!, `${match[2]!}\n`);
  }
  return examples;
}

describe('the documented input files', () => {
  const examples = documentedExamples(readFileSync(DOC, 'utf8'));
  const folder = mkdtempSync(join(tmpdir(), 'dossier-docs-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const file = (name: string) => {
    const text = examples.get(name);
    if (text === undefined) throw new Error(`docs/input-files.md has no example named ${name}`);
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  };

  it('documents every file the CLI reads', () => {
    expect([...examples.keys()].sort()).toEqual(
      [
        'answers.yaml',
        'campaign.yaml',
        'conclusions.yaml',
        'findings.yaml',
        'open-cases.yaml',
        'questions.md',
        'response.md',
        'statement-text.yaml',
        'vendor.yaml',
      ].sort(),
    );
  });

  it('a campaign', () => {
    const campaign = loadCampaignFile(file('campaign.yaml'));
    expect(campaign.campaign.id).toBe('example-2020');
    expect(campaign.vendors.map((v) => v.id)).toEqual(['zoom']);
    expect(campaign.campaign.officeName).toEqual({ en: 'Case office', fr: 'Bureau des dossiers' });
    expect(campaign.campaign.topic?.fr).toBe('la vie privée dans les services de vidéoconférence');
    expect(campaign.campaign.authorities[0]?.article).toEqual({ fr: 'le' });
  });

  it('a vendor', () => {
    expect(readVendorFile(file('vendor.yaml')).id).toBe('google');
  });

  it('a response with its attachments', () => {
    const response = readResponseFile(file('response.md'));
    expect(response.attachments).toEqual(['zoom-privacy-whitepaper.pdf']);
    expect(response.summary).toMatch(/^Zoom thanks/);
  });

  it('questions, one per bullet with continuations', () => {
    expect(readQuestionsFile(file('questions.md'))).toHaveLength(2);
  });

  it('answers by question id', () => {
    expect(readAnswersFile(file('answers.yaml')).map((a) => a.questionId)).toEqual(['q1', 'q2']);
  });

  it('findings under the five principles, in English and French', () => {
    const findings = readFindingsFile(file('findings.yaml'));
    expect(Object.keys(findings).sort()).toEqual([...PRINCIPLES].sort());
    expect(findings.security.assessment.fr).toMatch(/^Le chiffrement/);
    expect(findings['know-your-audience'].goodPractices[1]).toEqual({ en: 'Zoom for Education', fr: 'Zoom for Education' });
  });

  it('the statement text the lead edits', () => {
    const edit = readStatementTextFile(file('statement-text.yaml'));
    expect(edit.vendors?.zoom.summary?.fr).toMatch(/^Zoom a exposé/);
    expect(edit.vendors?.zoom.findings?.transparency?.goodPractices).toEqual([{ en: 'Zoom Privacy Center', fr: 'Zoom Privacy Center' }]);
    expect(edit.vendors?.zoom.demonstrations?.d1.en).toMatch(/^Default meeting/);
  });

  it('the decisions on engagements still open at drafting', () => {
    expect(readOpenCasesFile(file('open-cases.yaml')).map((d) => [d.vendorId, d.action])).toEqual([
      ['houseparty', 'close'],
      ['whereby', 'exclude'],
    ]);
  });

  it('the statement conclusions', () => {
    expect(readConclusionsFile(file('conclusions.yaml')).lessonsLearned.fr).toHaveLength(1);
  });
});
