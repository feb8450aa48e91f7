// The intake records mail under an identity of its own (client/identity.ts `intakeActor`): its name,
// the case mailbox it reads and its host. The audit export names it as the intake, never as an officer,
// even once the campaign's key is destroyed and only the identity the server kept is left.
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv } from '../../client/audit-report';
import { actorKind, intakeActor } from '../../client/identity';
import { parseIntakeConfig } from '../../intake/config';
import { at, clientWithHistory, payloads, shreddedClientWithHistory } from '../helpers/audit-history';

const intake = intakeActor('Dossier intake', 'case@regulator.example', 'mx-2');
/** A payload as the codec wrote it, under a key that no longer exists. */
const sealed = { payloads: [{ metadata: { encoding: Buffer.from('binary/encrypted') }, data: Buffer.from('sealed') }] };

const history = [
  { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, identity: 'Marie Leclerc (marie@desk-12, CLI)', input: sealed } },
  {
    eventId: 2,
    ...at(10),
    workflowExecutionUpdateAcceptedEventAttributes: { protocolInstanceId: 'm1', acceptedRequest: { meta: { updateId: '<m1@zoom.test>', identity: intake }, input: { name: 'recordInbound', args: sealed } } },
  },
];

const shredded = shreddedClientWithHistory(history);

describe('the intake’s identity', () => {
  it('names the intake, the case mailbox it reads and its host; DOSSIER_INTAKE_NAME names it otherwise', () => {
    const { identity } = parseIntakeConfig({ MAIL_FROM: 'Dossier <dossier@regulator.example>' });
    expect(identity).toMatch(/^Dossier intake \(case@regulator\.example on \S+, intake\)$/);
    expect(actorKind(identity)).toBe('intake');
    expect(parseIntakeConfig({ MAIL_FROM: 'Dossier <dossier@regulator.example>', DOSSIER_INTAKE_NAME: ' Intake B ' }).identity).toMatch(/^Intake B \(case@regulator\.example on \S+, intake\)$/);
  });

  it('refuses a name that would not read back from the record', () => {
    expect(() => parseIntakeConfig({ DOSSIER_INTAKE_NAME: 'Intake (B)' })).toThrow(/DOSSIER_INTAKE_NAME: at most 100 characters, without parentheses/);
  });
});

describe('the audit export of mail the intake recorded', () => {
  it('words the intake as the intake, not as an officer, in English and in French, after shredding', async () => {
    const trail = await collectAuditTrail(shredded, { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.map((e) => [e.kind, e.actor])).toEqual([
      ['case-opened', 'Marie Leclerc (marie@desk-12, CLI)'],
      ['unreadable', intake],
    ]);
    const english = auditCsv(trail, { language: 'en' }).toString('utf8');
    expect(english).toContain('Dossier intake: the intake, reading case@regulator.example on mx-2 (not an officer)');
    // A person is named as the workspace and the CLI name them, not with the record's English "CLI".
    expect(english).toContain('Marie Leclerc (marie@desk-12, command line)');
    expect(english).not.toContain(', CLI)');
    expect(auditCsv(trail, { language: 'fr' }).toString('utf8')).toContain('Dossier intake\u00a0: la réception du courrier, qui lit case@regulator.example sur mx-2 (pas un agent)');
  });
});

describe('an email the intake recorded, readable', () => {
  it('says in its detail that the intake recorded it, in English and in French', async () => {
    const readable = clientWithHistory([
      { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ revision: 3 }) } },
      {
        eventId: 2,
        ...at(10),
        workflowExecutionUpdateAcceptedEventAttributes: {
          protocolInstanceId: 'm1',
          acceptedRequest: { meta: { updateId: '<m1@zoom.test>', identity: intake }, input: { name: 'recordInbound', args: payloads({ from: 'dpo@zoom.test', kind: 'reply', subject: 'Our answer', messageId: '<m1@zoom.test>' }) } },
        },
      },
    ]);
    const trail = await collectAuditTrail(readable, { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.filter((e) => e.kind === 'email-received').map((e) => [e.actor, e.recordedBy])).toEqual([['dpo@zoom.test', intake]]);
    expect(auditCsv(trail, { language: 'en' }).toString('utf8')).toContain('Our answer; recorded by Dossier intake: the intake, reading case@regulator.example on mx-2 (not an officer)');
    expect(auditCsv(trail, { language: 'fr' }).toString('utf8')).toContain('Our answer\u202f; consigné par Dossier intake\u00a0: la réception du courrier, qui lit case@regulator.example sur mx-2 (pas un agent)');
  });
});
