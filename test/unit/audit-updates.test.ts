// An officer's request the case accepted can still be refused while it is carried out (a deadline
// extension checked again once the calendar answered, the case having moved meanwhile). The audit
// export keeps the request, with who made it, and says it was not done and why.
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import Long from 'long';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv } from '../../client/audit-report';
import { at, clientWithHistory, payloads } from '../helpers/audit-history';

const officer = 'Marie Leclerc (marie@desk-12, CLI)';

const accepted = (eventId: number, seconds: number, updateId: string, name: string, input: object) => ({
  eventId,
  ...at(seconds),
  workflowExecutionUpdateAcceptedEventAttributes: { protocolInstanceId: updateId, acceptedRequest: { meta: { updateId, identity: '4242@desk-12' }, input: { name, args: payloads({ by: officer, ...input }) } } },
});
const completed = (eventId: number, seconds: number, updateId: string, acceptedEventId: number, outcome: object) => ({
  eventId,
  ...at(seconds),
  workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId }, acceptedEventId: Long.fromNumber(acceptedEventId), outcome },
});

const history = [
  { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ revision: 3 }) } },
  accepted(2, 10, 'u-refused', 'extendDeadline', { extendBy: '10 working days' }),
  completed(3, 11, 'u-refused', 2, { failure: { message: 'the response is already recorded: there is no deadline to extend', applicationFailureInfo: { type: 'ExtensionRefused', nonRetryable: true } } }),
  accepted(4, 20, 'u-done', 'extendDeadline', { extendBy: '5 working days' }),
  completed(5, 21, 'u-done', 4, { success: payloads({ stage: 'awaiting-response' }) }),
];
const client = clientWithHistory(history);

describe('an officer action the case accepted, then refused while carrying it out', () => {
  it('is kept with who asked, marked as not done with the case’s reason; one carried out is not marked', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    const actions = trail.events.filter((e) => e.kind === 'officer-action');
    expect(actions.map((e) => [e.actor, e.detail, e.notDone])).toEqual([
      [officer, 'extendBy: 10 working days', 'the response is already recorded: there is no deadline to extend'],
      [officer, 'extendBy: 5 working days', undefined],
    ]);
  });

  it('is marked in a history the worker recorded, where a reply arrived while the calendar answered an extension', async () => {
    const file = join(__dirname, '..', 'replay', 'histories', 'engagement-before-patch-extension-reply-race-2026-11-29.json');
    // As the client gives them: times in Long seconds (the JSON reader leaves them numbers).
    const events = historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))).events!.map((e) => ({ ...e, eventTime: { seconds: Long.fromValue(e.eventTime!.seconds as Long), nanos: e.eventTime!.nanos } }));
    const recorded = { ...client, workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) } } as unknown as Client;
    const trail = await collectAuditTrail(recorded, { campaignId: 'vc', vendorId: 'zoom' });
    const extensions = trail.events.filter((e) => e.action === 'extendDeadline');
    expect(extensions).toHaveLength(1);
    expect(extensions[0]!.notDone).toMatch(/^there is nothing to extend/);
  });

  it('quotes a reason that carries no code as the system’s text, after its failure type in the export’s language', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    expect(auditCsv(trail, { language: 'en' }).toString('utf8')).toContain(
      'extended by: 10 working days; not done, the case refused it (the deadline extension was refused once the new date was counted); the system\'s text, as recorded and untranslated: “the response is already recorded: there is no deadline to extend”',
    );
    expect(auditCsv(trail, { language: 'fr' }).toString('utf8')).toContain(
      'prolongation\u00a0: 10 working days\u202f; non effectué, le dossier l’a refusé (prolongation du délai refusée une fois la nouvelle date calculée)\u202f; texte du système, tel qu’il a été enregistré, non traduit\u00a0: «\u202fthe response is already recorded: there is no deadline to extend\u202f»',
    );
  });

  it('words a refusal from the code and values its failure carries, in French and in English', async () => {
    const refusedWithCode = clientWithHistory([
      history[0]!,
      accepted(2, 10, 'u-stage', 'extendDeadline', { extendBy: '10 working days' }),
      completed(3, 11, 'u-stage', 2, {
        failure: {
          message: 'cannot extend the response deadline while the engagement is concluded',
          applicationFailureInfo: { type: 'ExtensionRefused', nonRetryable: true, details: payloads({ refusal: 'extend-stage', values: { stage: 'concluded' } }) },
        },
      }),
    ]);
    const trail = await collectAuditTrail(refusedWithCode, { campaignId: 'vc', vendorId: 'zoom' });
    const french = auditCsv(trail, { language: 'fr' }).toString('utf8');
    expect(french).toContain('non effectué, le dossier l’a refusé\u00a0: Le délai de réponse ne peut pas être prolongé à l’étape «\u202fconclu\u202f».');
    expect(french).not.toContain('cannot extend');
    expect(auditCsv(trail, { language: 'en' }).toString('utf8')).toContain('not done, the case refused it: The response deadline cannot be extended at the case’s current stage, “concluded”.');
  });

  it('words the refusal an older worker recorded as an English sentence alone, when it is one Dossier wrote', async () => {
    const legacy = clientWithHistory([
      history[0]!,
      accepted(2, 10, 'u-old', 'extendDeadline', { extendBy: '10 working days' }),
      completed(3, 11, 'u-old', 2, {
        failure: { message: 'there is nothing to extend: the response has arrived and no follow-up question is open', applicationFailureInfo: { type: 'ExtensionRefused', nonRetryable: true } },
      }),
    ]);
    const french = auditCsv(await collectAuditTrail(legacy, { campaignId: 'vc', vendorId: 'zoom' }), { language: 'fr' }).toString('utf8');
    expect(french).toContain('non effectué, le dossier l’a refusé\u00a0: Il n’y a rien à prolonger\u00a0: la réponse est arrivée et aucune question complémentaire n’est ouverte.');
    expect(french).not.toContain('there is nothing to extend');
  });

  it('quotes a failure of no known type as the system’s text alone', async () => {
    const failed = clientWithHistory([
      history[0]!,
      accepted(2, 10, 'u-failed', 'conclude', { summary: 'ok' }),
      completed(3, 11, 'u-failed', 2, { failure: { message: 'Activity task failed', activityFailureInfo: { activityType: { name: 'renderLetter' } } } }),
    ]);
    const french = auditCsv(await collectAuditTrail(failed, { campaignId: 'vc', vendorId: 'zoom' }), { language: 'fr' }).toString('utf8');
    expect(french).toContain('non effectué, le dossier l’a refusé\u202f; texte du système, tel qu’il a été enregistré, non traduit\u00a0: «\u202fActivity task failed\u202f»');
  });
});

describe('an approval of the statement and its withdrawal', () => {
  it('are both kept as approvals, with their version, and the withdrawal is worded in the export’s language', async () => {
    const campaign = clientWithHistory([
      { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ revision: 3 }) } },
      accepted(2, 10, 'u-approve', 'approveStatement', { authorityId: 'opc', version: 2 }),
      completed(3, 11, 'u-approve', 2, { success: payloads({ phase: 'approving' }) }),
      accepted(4, 20, 'u-withdraw', 'withdrawApproval', { authorityId: 'opc', version: 2 }),
      completed(5, 21, 'u-withdraw', 4, { success: payloads({ phase: 'approving' }) }),
    ]);
    // The reader takes any workflow's history alike; the scope only names which it asks for.
    const trail = await collectAuditTrail(campaign, { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.filter((e) => e.kind === 'approval').map((e) => [e.action, e.actor, e.version])).toEqual([
      ['approveStatement', officer, 2],
      ['withdrawApproval', officer, 2],
    ]);
    expect(auditCsv(trail, { language: 'en' }).toString('utf8')).toContain('approval withdrawn');
    expect(auditCsv(trail, { language: 'fr' }).toString('utf8')).toContain('approbation retirée');
  });

  it('names the authority as the campaign file names it, in the export’s language, not by its id', async () => {
    const authorities = [
      { id: 'opc', name: { en: 'Office of the Privacy Commissioner of Canada', fr: 'Commissariat à la protection de la vie privée du Canada' } },
      { id: 'fdpic', name: { en: 'Swiss Federal Data Protection and Information Commissioner', fr: 'Préposé fédéral à la protection des données et à la transparence' } },
    ];
    const campaign = clientWithHistory([
      { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ revision: 3, campaign: { id: 'vc', authorities } }) } },
      accepted(2, 10, 'u-approve', 'approveStatement', { authorityId: 'opc', version: 2 }),
      completed(3, 11, 'u-approve', 2, { success: payloads({ phase: 'approving' }) }),
      accepted(4, 20, 'u-changes', 'requestChanges', { authorityId: 'fdpic', version: 2, comment: 'Shorter.' }),
      completed(5, 21, 'u-changes', 4, { success: payloads({ phase: 'revising' }) }),
    ]);
    // The campaign's own history, read as the stand-in answers any workflow's (as above).
    const trail = await collectAuditTrail(campaign, { campaignId: 'vc', vendorId: 'zoom' });
    const rows = (language: 'en' | 'fr') => auditCsv(trail, { language }).toString('utf8').split('\n').filter((line) => /approveStatement|requestChanges/.test(line));
    const [approvedEn, changesEn] = rows('en');
    expect(approvedEn).toContain('authority: Office of the Privacy Commissioner of Canada; version: 2');
    expect(changesEn).toContain('authority: Swiss Federal Data Protection and Information Commissioner; version: 2; comment: Shorter.');
    const [approvedFr] = rows('fr');
    expect(approvedFr).toContain('autorité\u00a0: Commissariat à la protection de la vie privée du Canada\u202f; version de la déclaration\u00a0: 2');
    for (const row of [...rows('en'), ...rows('fr')]) expect(row).not.toMatch(/\bopc\b|\bfdpic\b/);
  });
});

describe('an approval the case accepted, then refused', () => {
  it('names the authority its refusal is about as the campaign file names it, not by its id', async () => {
    const authorities = [
      { id: 'opc', name: { en: 'Office of the Privacy Commissioner of Canada', fr: 'Commissariat à la protection de la vie privée du Canada' }, article: { fr: 'le' } },
      { id: 'fdpic', name: { en: 'Swiss Federal Data Protection and Information Commissioner', fr: 'Préposé fédéral à la protection des données et à la transparence' } },
    ];
    const refusedAs = (refusal: string, values: object) => ({
      failure: { message: 'refused', applicationFailureInfo: { type: 'InvalidRequest', nonRetryable: true, details: payloads({ refusal, values }) } },
    });
    const campaign = clientWithHistory([
      { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ revision: 3, campaign: { id: 'vc', authorities } }) } },
      accepted(2, 10, 'u-approve', 'approveStatement', { authorityId: 'opc', version: 2 }),
      completed(3, 11, 'u-approve', 2, refusedAs('already-approved', { authority: 'opc', version: '2' })),
      accepted(4, 20, 'u-withdraw', 'withdrawApproval', { authorityId: 'fdpic', version: 2 }),
      completed(5, 21, 'u-withdraw', 4, refusedAs('nothing-to-withdraw', { authority: 'fdpic', version: '2' })),
    ]);
    const trail = await collectAuditTrail(campaign, { campaignId: 'vc', vendorId: 'zoom' });
    const rows = (language: 'en' | 'fr') => auditCsv(trail, { language }).toString('utf8').split('\n').filter((line) => /approveStatement|withdrawApproval/.test(line));
    const [approvedEn, withdrawnEn] = rows('en');
    expect(approvedEn).toContain('not done, the case refused it: Version 2 is already approved for the Office of the Privacy Commissioner of Canada.');
    expect(withdrawnEn).toContain('not done, the case refused it: There is no approval of version 2 by the Swiss Federal Data Protection and Information Commissioner to withdraw.');
    const [approvedFr, withdrawnFr] = rows('fr');
    expect(approvedFr).toContain('La version 2 est déjà approuvée pour le Commissariat à la protection de la vie privée du Canada.');
    expect(withdrawnFr).toContain('Il n’y a aucune approbation de la version 2 par l’autorité «\u202fPréposé fédéral à la protection des données et à la transparence\u202f» à retirer.');
    for (const row of [...rows('en'), ...rows('fr')]) expect(row).not.toMatch(/\bopc\b|\bfdpic\b/);
  });
});
