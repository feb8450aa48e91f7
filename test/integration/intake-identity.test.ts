// The intake process connects to Temporal under an identity of its own (intake/open.ts), not the
// SDK's `pid@host`: the server keeps it in plaintext with each update the intake sends, so the audit
// export can say the intake recorded the mail, whichever host ran it, even after crypto-shredding.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mailDomain } from '../../activities/email';
import { messageIdFor, replyAddressFor } from '../../activities/threading';
import { actorKind } from '../../client/identity';
import { openIntake, type OpenedIntake } from '../../intake/open';
import { INBOX } from '../../intake/mailbox';
import { startEngagement } from '../helpers/engagement-driver';
import { engagementInput, patientPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { composeReply } from '../helpers/inbound-mail';

const env = useDossier();
let opened: OpenedIntake | undefined;

afterAll(async () => {
  await opened?.close();
});

describe('the intake’s Temporal identity', () => {
  it('records a reply as the intake named by DOSSIER_INTAKE_NAME, reading the case mailbox on its host', async () => {
    const domain = mailDomain(env.config.mailFrom);
    const e = await startEngagement(env, engagementInput(env.uniqueId('identity'), 'zoom', patientPolicy()));
    await e.waitForMail('letter');
    await e.waitForStatus((s) => s.stage === 'awaiting-response');

    opened = await openIntake({
      ...env.childEnv,
      MAIL_FROM: env.config.mailFrom,
      DOSSIER_MAILDIR: join(env.scratch, `mailbox-${randomUUID().slice(0, 8)}`),
      DOSSIER_STATE_DIR: env.config.stateDir,
      DOSSIER_INTAKE_NAME: 'Intake B',
    });
    const letterId = messageIdFor(e.handle.workflowId, 'letter', domain);
    const vendorAddress = e.input.vendor.contacts[0]!.email;
    const reply = await composeReply({
      from: `Privacy Office <${vendorAddress}>`,
      to: replyAddressFor(`case@${domain}`, e.handle.workflowId),
      subject: `Re: [${e.input.campaign.reference}] Open letter`,
      messageId: `<${randomUUID()}@zoom.test>`,
      inReplyTo: letterId,
      references: [letterId],
      text: 'Our response is below.',
    });
    await opened.mailbox.append(reply, INBOX);
    const [settled] = await opened.intake.pass();
    expect(settled).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId });

    const { events } = await e.handle.fetchHistory();
    const recorded = events!.find((ev) => ev.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'recordInbound');
    const identity = recorded?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.identity;
    expect(identity).toBe(`Intake B (case@${domain} on ${hostname()}, intake)`);
    expect(actorKind(identity!)).toBe('intake');
  });
});
