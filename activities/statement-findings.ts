// The statement's findings as a machine-readable file, carried inside each statement PDF (PDF/A-3
// associated file, relationship Data) so that another authority can import them without retyping:
// per vendor, its outcome (and when a vendor with no response on its record replied late, or in time,
// or one whose review the lead closed had responded),
// the findings per principle and the demonstrations' results. Only what the authorities wrote for the
// statement; nothing a vendor submitted.
import { PRINCIPLES, type StatementDraft } from '../workflows/types';

export const STATEMENT_FINDINGS_FILE = 'findings.json';
export const STATEMENT_FINDINGS_FORMAT = 'dossier.statement-findings/1';

export function statementFindings(statement: StatementDraft) {
  const { campaign } = statement;
  return {
    format: STATEMENT_FINDINGS_FORMAT,
    campaign: { id: campaign.id, reference: campaign.reference, title: campaign.title },
    statement: { version: statement.version, date: statement.date },
    principles: [...PRINCIPLES],
    vendors: statement.vendors.map((entry) => ({
      vendorId: entry.vendorId,
      vendorName: entry.vendorName,
      stage: entry.stage,
      // Only where there is one: a statement without a late reply keeps the bytes it was published with.
      ...(entry.repliedLateAt ? { repliedLateAt: entry.repliedLateAt } : {}),
      ...(entry.repliedInTimeAt ? { repliedInTimeAt: entry.repliedInTimeAt } : {}),
      // A vendor whose review the lead closed after it had responded; versions drafted before carry none,
      // so their files keep their bytes (the other stages' response dates were never in this file).
      ...(entry.stage === 'closed-by-lead' && entry.respondedAt ? { respondedAt: entry.respondedAt } : {}),
      summary: entry.summary ?? null,
      findings: entry.findings ?? null,
      demonstrations: (entry.demonstrations ?? []).map((d) => ({ at: d.at, result: d.result ?? null, observation: d.observation ?? null })),
      reason: entry.reason ?? null,
    })),
  };
}

/** The file's bytes: stable key order, so the same statement gives the same PDF. */
export function statementFindingsBytes(statement: StatementDraft): Uint8Array {
  return Buffer.from(`${JSON.stringify(statementFindings(statement), null, 2)}\n`, 'utf8');
}
