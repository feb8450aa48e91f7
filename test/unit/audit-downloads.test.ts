// Downloads of a held message's attachments, in the audit exports: made from a campaign's holding
// pen (its document access record) or from the pen of mail that names no campaign (access-unsorted),
// before an officer assigned the message to an engagement or attached it late to an ended one. The
// case's export, the engagement's alone included, shows them as its own; a message never assigned
// is in the export of the unsorted pen's record.
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { collectAuditTrail, collectUnsortedDownloads, type AuditEvent } from '../../client/audit';
import { auditCsv, auditPdf } from '../../client/audit-report';
import type { LateReply } from '../../workflows/types';
import { at, csvRows, payloads, serverKeeping } from '../helpers/audit-history';
import { pdfPageTexts } from '../helpers/pdf';

const officer = 'Léa Tremblay (lea, signed in)';
const sha = (c: string) => c.repeat(64);

const opened = (type: string) => ({ eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: type }, input: payloads({}) } });

/** The intake's recording of a message on an engagement, by an officer's assignment when `assignedBy` is given. */
const inbound = (eventId: number, seconds: number, messageId: string, assignedBy?: string) => ({
  eventId,
  ...at(seconds),
  workflowExecutionUpdateAcceptedEventAttributes: {
    protocolInstanceId: `u${eventId}`,
    acceptedRequest: {
      meta: { identity: '4242@intake-host' },
      input: { name: 'recordInbound', args: payloads({ messageId, from: 'counsel@lawfirm.test', kind: 'reply', subject: 'Our mandate', text: 'Attached.', matchedBy: assignedBy ? 'officer' : 'thread', ...(assignedBy ? { assignedBy } : {}) }) },
    },
  },
});

/** A held attachment's download, as the workspace signals it (no campaign: the unsorted pen's). */
const download = (eventId: number, seconds: number, messageId: string, name: string, campaignId?: string) => ({
  eventId,
  ...at(seconds),
  workflowExecutionSignaledEventAttributes: {
    signalName: 'documentDownloaded',
    identity: 'web@host',
    input: payloads({ by: officer, ...(campaignId ? { campaignId } : {}), messageId, held: true, document: { name, type: 'application/pdf', size: 42, sha256: sha(name[0]!) }, via: 'workspace' }),
  },
});

const histories: Record<string, object[]> = {
  'engagement:vc:zoom': [
    opened('engagement'),
    inbound(2, 50, '<pen@lawfirm.test>', officer),
    inbound(3, 60, '<unsorted@lawfirm.test>', officer),
    // Threaded by the intake, never held: a download from the unsorted pen under its Message-ID (which any sender writes) is not its.
    inbound(4, 70, '<threaded@zoom.test>'),
  ],
  'engagement:vc:acme': [opened('engagement')],
  'access:vc': [opened('documentAccess'), download(2, 10, '<pen@lawfirm.test>', 'mandate.pdf', 'vc')],
  'access-unsorted': [
    opened('documentAccess'),
    download(2, 20, '<unsorted@lawfirm.test>', 'power.pdf'),
    download(3, 25, '<never@lawfirm.test>', 'spam.pdf'),
    download(4, 30, '<threaded@zoom.test>', 'other.pdf'),
    download(5, 35, '<late@lawfirm.test>', 'late.pdf'),
  ],
};

/** A server keeping `histories`, listing the engagements among them for visibility. */
const server = serverKeeping(histories);

/** Acme's case had ended when the unsorted message was attached to its record, late. */
const lateReply: LateReply = {
  messageId: '<late@lawfirm.test>',
  from: 'counsel@lawfirm.test',
  subject: 'Late, sorry',
  receivedAt: new Date((1_790_000_000 + 32) * 1000).toISOString(),
  text: 'Attached.',
  documents: [],
  notes: [],
  attachedBy: officer,
  attachedAt: new Date((1_790_000_000 + 40) * 1000).toISOString(),
  stage: 'closed-no-response',
};
const lateReplies = async ({ vendorId }: { vendorId: string }) => (vendorId === 'acme' ? [lateReply] : []);

const downloads = (events: AuditEvent[]) => events.filter((e) => e.kind === 'document-downloaded').map((e) => [e.workflowId, e.messageId, e.documentName, e.whileUnsorted ?? false]);

describe('downloads of a held message’s attachments in the audit exports', () => {
  it('shows in an engagement’s own export the downloads made while its message was held, in its campaign’s pen or in the unsorted one', async () => {
    const trail = await collectAuditTrail(server, { campaignId: 'vc', vendorId: 'zoom' });
    expect(downloads(trail.events)).toEqual([
      ['engagement:vc:zoom', '<pen@lawfirm.test>', 'mandate.pdf', false],
      ['engagement:vc:zoom', '<unsorted@lawfirm.test>', 'power.pdf', true],
    ]);
    expect(trail.workflowIds).toEqual(['engagement:vc:zoom', 'access:vc', 'access-unsorted']);
  });

  it('shows in the campaign’s export the unsorted pen’s downloads of messages assigned or attached late to its engagements, and no other', async () => {
    const trail = await collectAuditTrail(server, { campaignId: 'vc' }, '', { lateReplies });
    expect(downloads(trail.events)).toEqual([
      ['engagement:vc:zoom', '<pen@lawfirm.test>', 'mandate.pdf', false],
      ['engagement:vc:zoom', '<unsorted@lawfirm.test>', 'power.pdf', true],
      ['engagement:vc:acme', '<late@lawfirm.test>', 'late.pdf', true],
    ]);
    const row = trail.events.find((e) => e.documentName === 'power.pdf')!;
    expect(row).toMatchObject({ actor: officer, action: 'heldAttachmentDownloaded', sha256: sha('p'), size: 42, downloadedVia: 'workspace', at: new Date((1_790_000_000 + 20) * 1000).toISOString() });
  });

  it('says in the export’s language that a download was made while the message named no campaign', async () => {
    const trail = await collectAuditTrail(server, { campaignId: 'vc', vendorId: 'zoom' });
    const detailOf = (language: 'en' | 'fr', name: string) => csvRows(auditCsv(trail, { language })).find((r) => r.includes(name))![5];
    expect(detailOf('en', 'power.pdf')).toBe('42 bytes; from the workspace; made while the message was held with the mail that names no campaign, before it became this case’s');
    expect(detailOf('fr', 'power.pdf')).toBe('42\u00a0octets\u202f; depuis l’espace de travail\u202f; fait quand le message attendait avec le courrier qui ne nomme aucune campagne, avant qu’il soit versé à ce dossier');
    expect(detailOf('en', 'mandate.pdf')).toBe('42 bytes; from the workspace');
  });

  it('exports the unsorted pen’s record whole, for messages never assigned, in English and French', async () => {
    const trail = await collectUnsortedDownloads(server);
    expect(trail.scope).toEqual({ unsorted: true });
    expect(trail.workflowIds).toEqual(['access-unsorted']);
    expect(downloads(trail.events)).toEqual([
      ['access-unsorted', '<unsorted@lawfirm.test>', 'power.pdf', false],
      ['access-unsorted', '<never@lawfirm.test>', 'spam.pdf', false],
      ['access-unsorted', '<threaded@zoom.test>', 'other.pdf', false],
      ['access-unsorted', '<late@lawfirm.test>', 'late.pdf', false],
    ]);
    // The title wraps: read with its lines joined.
    const firstPage = async (language: 'en' | 'fr') => (await pdfPageTexts(await auditPdf(trail, { language, exportedAt: '2026-12-02T12:00:00.000Z' })))[0]!.replace(/\s+/g, ' ');
    expect(await firstPage('en')).toContain('Audit trail — downloads of attachments of held mail that names no campaign');
    expect(await firstPage('fr')).toContain('Piste d’audit — téléchargements de pièces jointes du courrier en attente qui ne nomme aucune campagne');
  });

  it('says in a case’s export that the unsorted pen’s earlier record is gone, even when none of its downloads left is the case’s', async () => {
    // The record's first run (which held the download of the message given to zoom) was deleted by retention; the run kept holds others.
    const current = [
      { ...opened('documentAccess'), workflowExecutionStartedEventAttributes: { workflowType: { name: 'documentAccess' }, input: payloads({}), continuedExecutionRunId: 'first-run' } },
      download(2, 90, '<never@lawfirm.test>', 'spam.pdf'),
    ];
    const base = serverKeeping({ ...histories, 'access-unsorted': current });
    const pruned = {
      ...base,
      workflow: {
        getHandle: (id: string, runId?: string) =>
          id === 'access-unsorted' && runId === 'first-run'
            ? { fetchHistory: async () => { throw new WorkflowNotFoundError('workflow execution not found', id, runId); } }
            : base.workflow.getHandle(id, runId),
      },
    } as unknown as Client;
    const trail = await collectAuditTrail(pruned, { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.filter((e) => e.kind === 'history-not-kept')).toEqual([expect.objectContaining({ workflowId: 'access-unsorted', earlierRun: 'first-run' })]);
    expect(downloads(trail.events).map(([, messageId]) => messageId)).not.toContain('<never@lawfirm.test>');
  });

  it('gives a campaign pen’s download to the engagement an officer gave the message, never to one that recorded a message under the same Message-ID by itself', async () => {
    // Acme's own mail reuses the Message-ID of the message held and given to zoom (a sender writes its own ids).
    const reused = serverKeeping({ ...histories, 'engagement:vc:acme': [opened('engagement'), inbound(2, 55, '<pen@lawfirm.test>')] });
    expect(downloads((await collectAuditTrail(reused, { campaignId: 'vc', vendorId: 'acme' })).events)).toEqual([]);
    const campaignWide = downloads((await collectAuditTrail(reused, { campaignId: 'vc' })).events);
    expect(campaignWide.filter(([, , name]) => name === 'mandate.pdf')).toEqual([['engagement:vc:zoom', '<pen@lawfirm.test>', 'mandate.pdf', false]]);
  });

  it('exports an empty record when nothing was ever downloaded from the unsorted pen', async () => {
    const none = { ...server, workflow: { getHandle: (id: string) => ({ fetchHistory: async () => { throw new WorkflowNotFoundError('workflow execution not found', id, undefined); } }) } } as unknown as Client;
    expect(await collectUnsortedDownloads(none)).toEqual({ scope: { unsorted: true }, workflowIds: [], events: [], unreadable: 0 });
  });
});

describe('a download of an attachment of a message Dossier sent, in the audit exports', () => {
  const pdf = { name: 'open-letter.pdf', type: 'application/pdf', size: 2048, sha256: sha('c') };
  const sentDownload = {
    eventId: 2,
    ...at(80),
    workflowExecutionSignaledEventAttributes: {
      signalName: 'documentDownloaded',
      identity: 'web@host',
      input: payloads({ by: officer, campaignId: 'vc', vendorId: 'zoom', messageId: '<letter.engagement.vc.zoom@dossier.test>', sent: true, step: 'letter', document: pdf, via: 'workspace' }),
    },
  };
  const server = serverKeeping({ 'engagement:vc:zoom': [opened('engagement')], 'access:vc': [opened('documentAccess'), sentDownload] });

  it('is a row of the engagement whose message it was, with who, the message, the document and its SHA-256', async () => {
    const trail = await collectAuditTrail(server, { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.filter((e) => e.kind === 'document-downloaded')).toEqual([
      expect.objectContaining({ workflowId: 'engagement:vc:zoom', actor: officer, action: 'sentAttachmentDownloaded', messageId: '<letter.engagement.vc.zoom@dossier.test>', documentName: 'open-letter.pdf', sha256: sha('c'), size: 2048, downloadedVia: 'workspace' }),
    ]);
  });

  it('says it was a sent message’s attachment, and which message, in English and French', async () => {
    const trail = await collectAuditTrail(server, { campaignId: 'vc' });
    const row = (language: 'en' | 'fr') => {
      const [header, ...rows] = csvRows(auditCsv(trail, { language }));
      const found = rows.find((r) => r.includes('open-letter.pdf'))!;
      return [found[header!.indexOf(language === 'en' ? 'Action (in words)' : 'Action (en clair)')], found[header!.indexOf(language === 'en' ? 'Detail' : 'Détail')]];
    };
    expect(row('en')).toEqual(['attachment of a message Dossier sent downloaded', 'message: letter; 2048 bytes; from the workspace']);
    expect(row('fr')).toEqual(['pièce jointe d’un message envoyé par Dossier téléchargée', 'message\u00a0: letter\u202f; 2048\u00a0octets\u202f; depuis l’espace de travail']);
  });
});
