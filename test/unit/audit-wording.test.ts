// The audit export says in the reader's language what a stage, an outcome, a message and the code's
// revision are, while the CSV keeps the workflow's codes in their own columns for a program to read.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, WorkflowNotFoundError } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import Long from 'long';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { collectAuditTrail, type AuditTrail } from '../../client/audit';
import { auditCsv, auditPdf } from '../../client/audit-report';
import { TEMPLATES_DIR } from '../../activities/templates';
import { loadViews } from '../../web/views';
import { LANGUAGES, MESSAGE_KINDS } from '../../workflows/types';
import { pdfPageTexts } from '../helpers/pdf';
import { at, clientWithHistory, csvRows, payloads, serverKeeping } from '../helpers/audit-history';
import * as messages from '../../workflows/messages';


/** An engagement that opened (revision 3), sent its letter, waited and closed without a response. */
const history = [
  { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, identity: 'officer', input: payloads({ revision: 3, policy: {} }) } },
  { eventId: 2, ...at(1), activityTaskScheduledEventAttributes: { activityType: { name: 'sendMessage' }, input: payloads({ kind: 'open-letter', step: 'letter' }) } },
  { eventId: 3, ...at(2), activityTaskCompletedEventAttributes: { scheduledEventId: 2, result: payloads({ messageId: '<letter.1@dossier.test>', accepted: ['privacy@zoom.test'], rejected: [] }) } },
  { eventId: 4, ...at(3), upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { DossierStage: defaultPayloadConverter.toPayload('awaiting-response') } } } },
  { eventId: 5, ...at(4), workflowExecutionCompletedEventAttributes: { result: payloads({ stage: 'closed-no-response' }) } },
];

const client = clientWithHistory(history);

function parseCsv(bytes: Buffer): string[][] {
  // No field here holds a comma, a quote or a line break.
  return bytes.subarray(3).toString('utf8').trim().split('\r\n').map((line) => line.split(','));
}

describe('audit export wording', () => {
  it('names stages, outcomes, messages and the code revision in French in the PDF, not by their internal codes', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    const text = (await pdfPageTexts(await auditPdf(trail, { language: 'fr', exportedAt: '2026-11-29T10:00:00Z' }))).join('\n').replace(/\s+/g, ' ');
    expect(text).toContain('Ouverture du dossier · dossier d’une entreprise');
    expect(text).toContain('Courriel envoyé · lettre ouverte Dossier');
    expect(text).toContain('Étape · réponse attendue');
    expect(text).toContain('Clôture du dossier · clos sans réponse');
    expect(text).toContain('Révision du code des flux de Dossier au démarrage du dossier : 3');
    expect(text).not.toMatch(/awaiting-response|closed-no-response|open-letter|revision: 3/);
  });

  it('keeps the codes in the CSV’s Action column and adds them in words, and the revision, in columns of their own at the end', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    const [header, ...rows] = parseCsv(auditCsv(trail, { language: 'en' }));
    expect(header!.slice(0, 11)).toEqual(['Time (UTC)', 'Case', 'Event', 'Who', 'Action', 'Detail', 'Message-ID', 'Recipients', 'Document', 'SHA-256', 'Statement version']);
    const column = (name: string) => rows.map((r) => r[header!.indexOf(name)]);
    expect(column('Action')).toEqual(['engagement', 'letter', 'awaiting-response', 'closed-no-response']);
    expect(column('Action (in words)')).toEqual(['engagement with a vendor', 'open letter', 'awaiting the response', 'closed without a response']);
    expect(column("Revision of Dossier's workflow code the case started with")).toEqual(['3', '', '', '']);
    expect(column('Detail')[0]).toBe('');
  });

  it('names each kind of message by the workspace’s word for it, kept in strings.yaml alone, and a kind it does not know by its code', () => {
    const kinds = [...MESSAGE_KINDS, 'carrier-pigeon'];
    const trail: AuditTrail = {
      scope: { campaignId: 'vc', vendorId: 'zoom' },
      workflowIds: ['engagement:vc:zoom'],
      unreadable: 0,
      events: kinds.map((kind) => ({ at: '2026-11-29T10:00:00.000Z', workflowId: 'engagement:vc:zoom', kind: 'email-sent', actor: 'dossier', action: `${kind} s1`, messageKind: kind, step: 's1' })),
    };
    const views = loadViews();
    for (const language of LANGUAGES) {
      const [header, ...rows] = parseCsv(auditCsv(trail, { language }));
      const inWords = rows.map((r) => r[header!.indexOf(language === 'en' ? 'Action (in words)' : 'Action (en clair)')]);
      expect(inWords, language).toEqual([...MESSAGE_KINDS.map((k) => views.text(language, `message.${k}`)), 'carrier-pigeon']);
    }
    const audit = parse(readFileSync(join(TEMPLATES_DIR, 'audit.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    for (const language of LANGUAGES) expect(Object.keys(audit[language]!), language).not.toContain('messageKinds');
  });
});

describe('a message the activity chose not to send', () => {
  /** A history in which the notice's activity left one vendor's statement notice out, for `notSent`. */
  function notSentTrail(notSent: string) {
    const notice = { kind: 'statement-notice', step: 'statement-notice-v1-vendor-zoom' };
    const events = [
      { eventId: 1, ...at(0), activityTaskScheduledEventAttributes: { activityType: { name: 'sendMessage' }, input: payloads(notice) } },
      {
        eventId: 2,
        ...at(1),
        activityTaskCompletedEventAttributes: {
          scheduledEventId: 1,
          result: payloads({ messageId: '<statement-notice-v1-vendor-zoom.campaign.vc@dossier.test>', accepted: [], rejected: [], alreadyDelivered: false, notSent }),
        },
      },
    ];
    const campaignClient = {
      options: { loadedDataConverter: loadDataConverter() },
      workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) },
    } as unknown as Client;
    return collectAuditTrail(campaignClient, { campaignId: 'vc', vendorId: 'zoom' });
  }

  it('is a row of an email not sent, with why as its code, not one of an email sent to nobody nor one the mail server refused', async () => {
    const trail = await notSentTrail('letter-not-accepted');
    expect(trail.events).toEqual([
      expect.objectContaining({ kind: 'email-not-sent', action: 'statement-notice statement-notice-v1-vendor-zoom', notSent: 'letter-not-accepted' }),
    ]);
  });

  it('says it was not sent, and why, in the export’s language, with the workspace’s sentence for why', async () => {
    const trail = await notSentTrail('letter-not-accepted');
    const views = loadViews();
    const [enHeader, enRow] = csvRows(auditCsv(trail, { language: 'en' }));
    expect(enRow![enHeader!.indexOf('Event')]).toBe('Email not sent');
    expect(enRow![enHeader!.indexOf('Detail')]).toBe(views.text('en', 'not-mailed.letter-not-accepted'));
    const [frHeader, frRow] = csvRows(auditCsv(trail, { language: 'fr' }));
    expect(frRow![frHeader!.indexOf('Événement')]).toBe('Courriel non envoyé');
    expect(frRow![frHeader!.indexOf('Détail')]).toBe(views.text('fr', 'not-mailed.letter-not-accepted'));
    const french = (await pdfPageTexts(await auditPdf(trail, { language: 'fr', exportedAt: '2026-11-29T10:00:00Z' }))).join('\n').replace(/\s+/g, ' ');
    expect(french).toContain(`Courriel non envoyé · ${views.text('fr', 'message.statement-notice')} Dossier`);
    expect(french).not.toContain('(statement-notice-v1-vendor-zoom)');
    expect(french).toContain('le serveur de messagerie n’avait accepté aucune de ses lettres');
    expect(french).not.toMatch(/mail server|not sent/);
  });

  it('names a reason this release does not know by its code', async () => {
    const [header, row] = csvRows(auditCsv(await notSentTrail('vendor-opted-out'), { language: 'fr' }));
    expect(row![header!.indexOf('Détail')]).toBe('vendor-opted-out');
  });
});

describe('a statement notice the campaign workflow itself left out', () => {
  /** A campaign that published version 2: zoom mailed, the others left out by the workflow (no activity). */
  function publishedTrail({ marked, completed }: { marked: boolean; completed: boolean }) {
    const vendors = [
      { vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded' },
      { vendorId: 'early', vendorName: 'Early', stage: 'withdrawn', ...(marked ? { notWrittenTo: 'never-started' } : {}) },
      { vendorId: 'gone', vendorName: 'Gone', stage: 'withdrawn', ...(marked ? { notWrittenTo: 'letter-undelivered' } : {}) },
      ...(marked ? [{ vendorId: 'slow', vendorName: 'Slow', stage: 'excluded', notWrittenTo: 'letter-not-accepted' }] : []),
    ];
    const child = (eventId: number, vendorId: string) => ({ eventId, ...at(eventId), startChildWorkflowExecutionInitiatedEventAttributes: { workflowId: `engagement:vc:${vendorId}`, workflowType: { name: 'engagement' } } });
    const events = [
      { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ campaign: { id: 'vc' }, publication: { folder: 'vc', notifyVendors: true } }) } },
      child(2, 'zoom'),
      child(3, 'gone'),
      child(4, 'slow'),
      { eventId: 10, ...at(10), activityTaskScheduledEventAttributes: { activityType: { name: 'renderStatement' }, input: payloads({ statement: { version: 2, vendors }, folder: 'vc', draft: false }) } },
      { eventId: 11, ...at(11), activityTaskCompletedEventAttributes: { scheduledEventId: 10, result: payloads({ en: 'vc/statement-2.en.pdf', fr: 'vc/statement-2.fr.pdf' }) } },
      { eventId: 12, ...at(12), activityTaskScheduledEventAttributes: { activityType: { name: 'sendMessage' }, input: payloads({ kind: 'statement-notice', step: 'statement-notice-v2-vendor-zoom' }) } },
      { eventId: 13, ...at(13), activityTaskCompletedEventAttributes: { scheduledEventId: 12, result: payloads({ messageId: '<n@dossier.test>', accepted: ['privacy@zoom.test'], rejected: [] }) } },
      ...(completed ? [{ eventId: 14, ...at(14), workflowExecutionCompletedEventAttributes: { result: payloads({ campaignId: 'vc' }) } }] : []),
    ];
    const campaignClient = {
      options: { loadedDataConverter: loadDataConverter() },
      workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) },
    } as unknown as Client;
    return collectAuditTrail(campaignClient, { campaignId: 'vc', vendorId: 'zoom' });
  }
  const notSentRows = (trail: AuditTrail) => trail.events.filter((e) => e.kind === 'email-not-sent').map((e) => [e.step, e.notSent]);

  it('has a row of its own, with why, for every vendor the published statement says the letter did not reach', async () => {
    const trail = await publishedTrail({ marked: true, completed: false });
    expect(notSentRows(trail)).toEqual([
      ['statement-notice-v2-vendor-early', 'never-started'],
      ['statement-notice-v2-vendor-gone', 'letter-undelivered'],
      ['statement-notice-v2-vendor-slow', 'letter-not-accepted'],
    ]);
    const views = loadViews();
    const [header, ...rows] = csvRows(auditCsv(trail, { language: 'fr' }));
    const early = rows.find((r) => r[header!.indexOf('Action')] === 'statement-notice-v2-vendor-early')!;
    expect(early[header!.indexOf('Événement')]).toBe('Courriel non envoyé');
    expect(early[header!.indexOf('Détail')]).toBe(views.text('fr', 'not-mailed.never-started'));
    const [enHeader, ...enRows] = csvRows(auditCsv(trail, { language: 'en' }));
    const gone = enRows.find((r) => r[enHeader!.indexOf('Action')] === 'statement-notice-v2-vendor-gone')!;
    expect(gone[enHeader!.indexOf('Event')]).toBe('Email not sent');
    expect(gone[enHeader!.indexOf('Detail')]).toBe(views.text('en', 'not-mailed.letter-undelivered'));
  });

  it('has them in a campaign history recorded by the worker, one for each reason', async () => {
    const recorded = historyFromJSON(JSON.parse(readFileSync(join(__dirname, '..', 'replay', 'histories', 'campaign-statement-says-who-was-written-to-2026-11-29.json'), 'utf8')));
    const campaignClient = {
      options: { loadedDataConverter: loadDataConverter() },
      // As the client gives them: times in Long seconds (the JSON reader leaves them numbers).
      workflow: { getHandle: () => ({ fetchHistory: async () => ({ events: recorded.events!.map((e) => ({ ...e, eventTime: { seconds: Long.fromValue(e.eventTime!.seconds as Long), nanos: e.eventTime!.nanos } })) }) }) },
    } as unknown as Client;
    const trail = await collectAuditTrail(campaignClient, { campaignId: 'record-says-written-to', vendorId: 'kilo' });
    expect(notSentRows(trail)).toEqual([
      ['statement-notice-v1-vendor-early', 'never-started'],
      ['statement-notice-v1-vendor-gone', 'letter-undelivered'],
      ['statement-notice-v1-vendor-slow', 'letter-not-accepted'],
    ]);
  });

  it('reads one published before the statement marked them from the history, once the campaign has ended', async () => {
    expect(notSentRows(await publishedTrail({ marked: false, completed: false }))).toEqual([]);
    expect(notSentRows(await publishedTrail({ marked: false, completed: true }))).toEqual([
      ['statement-notice-v2-vendor-early', 'never-started'],
      ['statement-notice-v2-vendor-gone', 'letter-undelivered'],
    ]);
  });
});

describe('what the export adds about a message, a document or a lost run', () => {
  /** A reply with a document, a letter one address refused (resent after a crash), and an earlier run the server no longer keeps. */
  const events = [
    { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: { payloads: [] }, continuedExecutionRunId: 'first-run' } },
    { eventId: 2, ...at(1), activityTaskScheduledEventAttributes: { activityType: { name: 'sendMessage' }, input: payloads({ kind: 'reminder', step: 'reminder-response-1' }) } },
    {
      eventId: 3,
      ...at(2),
      activityTaskCompletedEventAttributes: {
        scheduledEventId: 2,
        result: payloads({ messageId: '<r1@dossier.test>', accepted: ['privacy@zoom.test'], rejected: ['legal@zoom.test'], resentAfterCrash: true, alreadyDelivered: true }),
      },
    },
    {
      eventId: 4,
      ...at(3),
      workflowExecutionUpdateAcceptedEventAttributes: {
        protocolInstanceId: 'u1',
        acceptedRequest: {
          meta: { identity: 'officer' },
          input: { name: 'recordResponse', args: payloads({ by: 'Officer Tremblay', attachments: [{ name: 'mesures.pdf', type: 'application/pdf', size: 2048, sha256: 'ab'.repeat(32) }] }) },
        },
      },
    },
  ];
  const keptClient = {
    options: { loadedDataConverter: loadDataConverter() },
    workflow: {
      getHandle: (workflowId: string, runId?: string) => ({
        fetchHistory: async () => {
          if (runId) throw new WorkflowNotFoundError('workflow execution not found', workflowId, runId);
          return { events };
        },
      }),
    },
  } as unknown as Client;

  it('says it in the export’s language: no English in the French CSV or PDF', async () => {
    const trail = await collectAuditTrail(keptClient, { campaignId: 'vc', vendorId: 'zoom' });
    const [header, ...rows] = csvRows(auditCsv(trail, { language: 'fr' }));
    const details = rows.map((r) => r[header!.indexOf('Détail')]).filter(Boolean);
    expect(details).toEqual([
      'exécution first-run et toutes celles d’avant',
      'refusé par le serveur de messagerie\u00a0: legal@zoom.test\u202f; renvoyé après la panne d’un processus de travail\u202f; déjà remis lors d’une tentative précédente',
      '2048\u00a0octets',
    ]);
    expect(rows.map((r) => r[header!.indexOf('Action (en clair)')])).toContain('exécutions antérieures');
    const french = (await pdfPageTexts(await auditPdf(trail, { language: 'fr', exportedAt: '2026-11-29T10:00:00Z' }))).join('\n').replace(/\s+/g, ' ');
    expect(french).not.toMatch(/refused|resent|already delivered|bytes|any before it|earlier runs/);
  });

  it('keeps the English export as it was', async () => {
    const trail = await collectAuditTrail(keptClient, { campaignId: 'vc', vendorId: 'zoom' });
    const [header, ...rows] = csvRows(auditCsv(trail, { language: 'en' }));
    expect(rows.map((r) => r[header!.indexOf('Detail')]).filter(Boolean)).toEqual([
      'run first-run and any before it',
      'refused: legal@zoom.test; resent after a worker crash; already delivered by an earlier attempt',
      '2048 bytes',
    ]);
    expect(rows.map((r) => r[header!.indexOf('Action (in words)')])).toContain('earlier runs');
  });
});

describe('the statement’s versions and its publication', () => {
  /** A campaign that drafted version 1 for approval, had it sent back, then published version 2. */
  const render = (eventId: number, version: number, draft: boolean) => [
    { eventId, ...at(eventId), activityTaskScheduledEventAttributes: { activityType: { name: 'renderStatement' }, input: payloads({ statement: { version, vendors: [] }, folder: 'vc', draft }) } },
    {
      eventId: eventId + 1,
      ...at(eventId + 1),
      activityTaskCompletedEventAttributes: { scheduledEventId: eventId, result: payloads({ en: `vc/statement-v${version}${draft ? '-draft' : ''}.en.pdf`, fr: `vc/statement-v${version}${draft ? '-draft' : ''}.fr.pdf` }) },
    },
  ];
  const events = [
    { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ campaign: { id: 'vc' }, publication: { folder: 'vc' } }) } },
    ...render(2, 1, true),
    ...render(4, 2, true),
    ...render(6, 2, false),
  ];
  const campaignClient = {
    options: { loadedDataConverter: loadDataConverter() },
    workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) },
  } as unknown as Client;

  it('has a row for each version drafted for approval and one for the publication, with the version and the files written', async () => {
    const trail = await collectAuditTrail(campaignClient, { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.filter((e) => e.kind === 'statement').map((e) => [e.action, e.version, e.actor])).toEqual([
      ['statement-draft', 1, 'dossier'],
      ['statement-draft', 2, 'dossier'],
      ['statement-published', 2, 'dossier'],
    ]);
    const [header, ...rows] = csvRows(auditCsv(trail, { language: 'fr' }));
    const published = rows.find((r) => r[header!.indexOf('Action')] === 'statement-published')!;
    expect(published[header!.indexOf('Événement')]).toBe('Déclaration');
    expect(published[header!.indexOf('Action (en clair)')]).toBe('déclaration publiée');
    expect(published[header!.indexOf('Détail')]).toBe('anglais\u00a0: vc/statement-v2.en.pdf\u202f; français\u00a0: vc/statement-v2.fr.pdf');
    const [enHeader, ...enRows] = csvRows(auditCsv(trail, { language: 'en' }));
    expect(enRows.map((r) => r[enHeader!.indexOf('Action (in words)')])).toEqual(['campaign', "version written for the co-signatories' approval", "version written for the co-signatories' approval", 'statement published']);
  });
});

describe('every signal and update a workflow records, in words', () => {
  it('has words in the audit template’s actions, in English and French, for each one workflows/messages.ts defines', () => {
    const audit = parse(readFileSync(join(TEMPLATES_DIR, 'audit.yaml'), 'utf8')) as Record<string, { actions: Record<string, string> }>;
    // Each definition is `{ type, name }` (defineSignal, defineUpdate); queries are read, never recorded.
    const names = (Object.values(messages) as unknown[])
      .filter((m): m is { type: 'signal' | 'update'; name: string } => ['signal', 'update'].includes((m as { type?: unknown } | null)?.type as string))
      .map((m) => m.name);
    expect(names).toContain('vendorContactsChanged');
    for (const language of LANGUAGES) expect(names.filter((name) => !audit[language]!.actions[name]), language).toEqual([]);
  });
});

describe('a vendor’s contacts changed on its engagement, in the campaign’s export', () => {
  const officer = 'Owen Okafor (officer, signed in)';
  const campaignOpened = { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ campaign: { id: 'vc' } }) } };
  const engagementOpened = { eventId: 1, ...at(1), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ revision: 3 }) } };
  const changed = (eventId: number, seconds: number, updateId: string, input: object) => [
    {
      eventId,
      ...at(seconds),
      workflowExecutionUpdateAcceptedEventAttributes: { protocolInstanceId: updateId, acceptedRequest: { meta: { updateId, identity: '4242@desk-12' }, input: { name: 'changeContacts', args: payloads({ by: officer, ...input }) } } },
    },
    { eventId: eventId + 1, ...at(seconds), workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId }, acceptedEventId: Long.fromNumber(eventId), outcome: { success: payloads({ stage: 'awaiting-response' }) } } },
  ];
  /** What the engagement tells its campaign (engagement.ts changeContacts): the vendor's contacts now, from the engagement's own run. */
  const told = (eventId: number, seconds: number, contacts: object[]) => ({
    eventId,
    ...at(seconds),
    workflowExecutionSignaledEventAttributes: { signalName: 'vendorContactsChanged', identity: 'history-service', externalWorkflowExecution: { workflowId: 'engagement:vc:zoom' }, input: payloads({ vendorId: 'zoom', contacts }) },
  });
  const privacy = { name: 'Zoom Privacy', email: 'privacy@zoom.test' };
  const dpo = { name: 'Data Protection Officer', email: 'dpo@zoom.test' };
  const legal = { name: 'legal@zoom.test', email: 'legal@zoom.test' };
  const histories = {
    'campaign:vc': [
      campaignOpened,
      told(2, 31, [privacy, dpo]),
      told(3, 61, [legal]),
      { eventId: 4, ...at(90), workflowExecutionSignaledEventAttributes: { signalName: 'lateReplyAttached', identity: '4242@intake-host', input: payloads({ vendorId: 'zoom', receivedAt: '2026-12-01T09:00:00.000Z' }) } },
    ],
    'engagement:vc:zoom': [
      engagementOpened,
      ...changed(2, 30, 'u1', { mode: 'add', contacts: [dpo], reason: 'The vendor asked us to copy its DPO.' }),
      ...changed(4, 60, 'u2', { mode: 'replace', contacts: [legal], reason: 'Its counsel answers for it now.' }),
    ],
  };
  const campaignRows = async (server: Client, language: 'en' | 'fr') => {
    const trail = await collectAuditTrail(server, { campaignId: 'vc' });
    const [header, ...rows] = csvRows(auditCsv(trail, { language }));
    const col = (name: string) => header!.indexOf(name);
    return { rows: rows.filter((r) => r[col(language === 'en' ? 'Case' : 'Dossier')] === 'campaign:vc' && r[col('Action')] !== 'campaign'), col, trail };
  };

  it('says who changed them, for which vendor, how and to which addresses, as the engagement’s own row does', async () => {
    const { rows, col } = await campaignRows(serverKeeping(histories), 'en');
    expect(rows.map((r) => [r[col('Event')], r[col('Who')], r[col('Action')], r[col('Action (in words)')], r[col('Detail')]])).toEqual([
      [
        'Recorded fact',
        officer,
        'vendorContactsChanged',
        "vendor's contacts changed on its engagement, taken by the campaign so its holding pen suggests the case for mail from them",
        'vendor: zoom; change: added to the present contacts; contacts: Data Protection Officer <dpo@zoom.test>; reason: The vendor asked us to copy its DPO.',
      ],
      [
        'Recorded fact',
        officer,
        'vendorContactsChanged',
        "vendor's contacts changed on its engagement, taken by the campaign so its holding pen suggests the case for mail from them",
        'vendor: zoom; change: in place of the present contacts; contacts: legal@zoom.test; reason: Its counsel answers for it now.',
      ],
      [
        'Recorded fact',
        '4242@intake-host',
        'lateReplyAttached',
        'late reply attached to an ended case’s record, taken by the campaign so each statement version drafted from then on says it',
        'vendor: zoom; received at: 2026-12-01T09:00:00.000Z',
      ],
    ]);
    // The engagement's own row names the addresses it gave, and how, in words too.
    const all = csvRows(auditCsv((await campaignRows(serverKeeping(histories), 'en')).trail, { language: 'en' }));
    expect(all.find((r) => r[4] === 'changeContacts')![5]).toBe('change: added to the present contacts; contacts: Data Protection Officer <dpo@zoom.test>; reason: The vendor asked us to copy its DPO.');
  });

  it('says it in French, with no code nor English word left', async () => {
    const { rows, col } = await campaignRows(serverKeeping(histories), 'fr');
    expect(rows.map((r) => [r[col('Auteur')], r[col('Action (en clair)')], r[col('Détail')]])).toEqual([
      [
        'Owen Okafor (officer, espace de travail)',
        'contacts de l’entreprise modifiés dans son dossier, repris par la campagne pour proposer ce dossier au courrier en attente venu de ces adresses',
        'entreprise\u00a0: zoom\u202f; modification\u00a0: ajoutés aux contacts actuels\u202f; contacts\u00a0: Data Protection Officer <dpo@zoom.test>\u202f; motif\u00a0: The vendor asked us to copy its DPO.',
      ],
      [
        'Owen Okafor (officer, espace de travail)',
        'contacts de l’entreprise modifiés dans son dossier, repris par la campagne pour proposer ce dossier au courrier en attente venu de ces adresses',
        'entreprise\u00a0: zoom\u202f; modification\u00a0: à la place des contacts actuels\u202f; contacts\u00a0: legal@zoom.test\u202f; motif\u00a0: Its counsel answers for it now.',
      ],
      [
        '4242@intake-host',
        'réponse tardive versée au dossier clos d’une entreprise, reprise par la campagne pour que chaque version de la déclaration rédigée ensuite le dise',
        'entreprise\u00a0: zoom\u202f; reçue le\u00a0: 2026-12-01T09:00:00.000Z',
      ],
    ]);
    for (const row of rows) expect(row.join(' ')).not.toMatch(/vendorId|mode:|contacts:|\badd\b|replace|received at/);
  });

  it('names the engagement that told the campaign, and the contacts it carried, when the engagement’s history is no longer kept', async () => {
    const { 'engagement:vc:zoom': _gone, ...campaignOnly } = histories;
    const { rows, col } = await campaignRows(serverKeeping(campaignOnly), 'en');
    expect(rows.slice(0, 2).map((r) => [r[col('Who')], r[col('Detail')]])).toEqual([
      ['engagement:vc:zoom', 'vendor: zoom; contacts: Zoom Privacy <privacy@zoom.test> | Data Protection Officer <dpo@zoom.test>'],
      ['engagement:vc:zoom', 'vendor: zoom; contacts: legal@zoom.test'],
    ]);
  });
});
