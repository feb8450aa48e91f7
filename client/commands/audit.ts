// `dossier audit`: the audit trail of an engagement or a whole campaign, as CSV or PDF, for an
// access-to-information request or a review (JSON for a script); or, with --unsorted, the downloads from the holding pen
// of mail that names no campaign. Read from the workflows' histories (client/audit.ts).
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { LANGUAGES, type Language } from '../../workflows/types';
import { invalidInput } from '../errors';
import type { CliWords } from '../cli-words';
import { UNSORTED_ACCESS_WORKFLOW_ID } from '../../workflows/workflow-ids';
import { withContext, type Session } from './context';

export const AUDIT_FORMATS = ['csv', 'json', 'pdf'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

interface AuditOptions {
  format?: AuditFormat;
  language?: Language;
  out?: string;
  unsorted?: boolean;
}

/**
 * An audit trail names vendors, officers and what they wrote: readable by the account that made it
 * only. `mode` applies to a new file alone, so one written over keeps no wider permissions either.
 */
export function writeOwnerOnly(file: string, bytes: string | Uint8Array): void {
  // Narrowed before anything is written into it, so the new content is never readable by others.
  if (existsSync(file)) chmodSync(file, 0o600);
  writeFileSync(file, bytes, { mode: 0o600 });
}

/**
 * The export's format: the one asked for, else the one `--out`'s extension names (`cisco.json`), else
 * CSV. A file named for one format and asked for in another is refused, rather than a CSV written
 * into a `.json` file. (`--json` is what the CLI prints, as for every command: the export's summary.)
 */
export function auditFormat(format: AuditFormat | undefined, out: string | undefined, words: CliWords): AuditFormat {
  const extension = out === undefined ? undefined : extname(out).slice(1).toLowerCase();
  const named = AUDIT_FORMATS.find((f) => f === extension);
  if (format && named && named !== format) throw invalidInput(words.say('error.audit-format-mismatch', { out, extension: named, format, formats: AUDIT_FORMATS.join(', ') }));
  return format ?? named ?? 'csv';
}

export function auditCommand(session: Session): Command {
  return new Command('audit')
    .argument('[campaign]')
    .argument('[vendor]')
    .option('--unsorted')
    .addOption(new Option('--format <format>').choices([...AUDIT_FORMATS]))
    .addOption(new Option('--language <lang>').choices([...LANGUAGES]))
    .option('--out <file>')
    .action(
      withContext(session, async (ctx, campaignId: string | undefined, vendorId: string | undefined, options: AuditOptions) => {
        // One trail: a campaign's (or an engagement's), or the unsorted pen's record, which names no campaign.
        if (!campaignId === !options.unsorted) throw invalidInput(ctx.words.say('error.audit-which-trail'));
        const format = auditFormat(options.format, options.out, ctx.words);
        // Loaded here, not at start: the PDF kit is heavy and `dossier --help` needs none of it.
        const [{ collectAuditTrail, collectUnsortedDownloads }, { auditCsv, auditJson, auditPdf }, { lateReplyReader }, { caseDocumentsOf }] = await Promise.all([import('../audit'), import('../audit-report'), import('../late-replies'), import('../received-documents')]);
        // Replies attached to ended cases' records are read from the store that keeps them.
        const lateReplies = lateReplyReader(() => caseDocumentsOf(ctx.env, ctx.store()));
        const trail = campaignId
          ? await collectAuditTrail(await ctx.client(), { campaignId, vendorId }, ctx.target.address, { lateReplies })
          : await collectUnsortedDownloads(await ctx.client(), ctx.target.address);
        const named = campaignId ? `${campaignId}${vendorId ? `-${vendorId}` : ''}` : UNSORTED_ACCESS_WORKFLOW_ID;
        const file = resolve(options.out ?? `audit-${named}.${format}`);
        // The export is in the officer's language unless it is asked for in the other (a requester's).
        const language = options.language ?? ctx.words.language;
        const bytes = format === 'csv' ? auditCsv(trail, { language }) : format === 'json' ? auditJson(trail, { language }) : await auditPdf(trail, { language, exportedAt: new Date().toISOString() });
        writeOwnerOnly(file, bytes);
        const summary = { file, events: trail.events.length, workflows: trail.workflowIds.length, unreadable: trail.unreadable };
        ctx.out.result(summary, () =>
          [
            ctx.words.say('audit.written', { file, events: ctx.words.sayCount('audit.events', summary.events), workflows: ctx.words.sayCount('audit.workflows', summary.workflows) }),
            ...(summary.unreadable ? [ctx.words.sayCount('audit.unreadable', summary.unreadable)] : []),
          ].join('\n'),
        );
      }),
    );
}
