// How the workflows read a send that failed for good (workflows/delivery.ts): the refusal comes out as
// facts (its class, the addresses, the server's reply and code) for the officer's notice and the
// workspace to word, beside the technical reason the timeline keeps.
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { invalidMessage, recipientRejected, relayFault } from '../../activities/errors';
import { sendOrExplain, type email } from '../../workflows/delivery';
import { ErrorType } from '../../workflows/errors';
import type { OutgoingMessage, SentMessage } from '../../workflows/types';
import { testCampaign, testVendor } from '../helpers/fixtures';

const message: OutgoingMessage = {
  threadId: 'engagement:vc:zoom',
  step: 'letter',
  kind: 'open-letter',
  language: 'en',
  to: [{ name: 'Privacy', email: 'privacy@zoom.test' }],
  campaign: testCampaign('vc'),
  vendor: testVendor('zoom'),
  details: {},
};

/** An email proxy whose send ends as the activity's would, seen from the workflow. */
function sending(outcome: SentMessage | ApplicationFailure): typeof email {
  const sendMessage = async () => {
    if (outcome instanceof ApplicationFailure) throw new ActivityFailure('Activity task failed', 'sendMessage', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker', outcome);
    return outcome;
  };
  return { sendMessage } as unknown as typeof email;
}

describe('a send refused for good', () => {
  it('gives the addresses the mail server refused, its reply as given and its code', async () => {
    const failure = recipientRejected('The mail server refused recipient 1 of 1 for good (SMTP 550): 550 5.1.1 <address>: Recipient address rejected', {
      recipients: ['privacy@zoom.test'],
      smtpCode: 550,
      reply: '550 5.1.1 <privacy@zoom.test>: Recipient address rejected',
      refused: 'recipients',
    });
    const delivery = await sendOrExplain(message, sending(failure));
    expect(delivery.refusal).toEqual({ code: 'recipients-refused', recipients: ['privacy@zoom.test'], smtpCode: 550, reply: '550 5.1.1 <privacy@zoom.test>: Recipient address rejected' });
    // The timeline's technical reason is as before.
    expect(delivery.refused).toBe('RecipientRejected: The mail server refused recipient 1 of 1 for good (SMTP 550): 550 5.1.1 <address>: Recipient address rejected [privacy@zoom.test]');
  });

  it('tells a message refused whatever the address from refused addresses, also from a worker that did not say so but in its message', async () => {
    const said = 'The mail server refused the message itself for good, not an address (SMTP 552 at DATA): 552 5.3.4 Message size exceeds fixed limit';
    const now = recipientRejected(said, { recipients: ['privacy@zoom.test'], smtpCode: 552, reply: '552 5.3.4 Message size exceeds fixed limit', refused: 'message' });
    expect((await sendOrExplain(message, sending(now))).refusal).toEqual({ code: 'message-refused', recipients: ['privacy@zoom.test'], smtpCode: 552, reply: '552 5.3.4 Message size exceeds fixed limit' });
    const olderWorker = ApplicationFailure.create({ type: ErrorType.RecipientRejected, message: said, details: [{ recipients: ['privacy@zoom.test'], smtpCode: 552 }], nonRetryable: true });
    expect((await sendOrExplain(message, sending(olderWorker))).refusal).toEqual({ code: 'message-refused', recipients: ['privacy@zoom.test'], smtpCode: 552 });
  });

  it('gives the addresses refused while the others took the message', async () => {
    const sent: SentMessage = { messageId: '<m@dossier.test>', accepted: ['a@zoom.test'], rejected: ['b@zoom.test'], alreadyDelivered: false };
    const delivery = await sendOrExplain(message, sending(sent));
    expect(delivery).toEqual({ refused: 'the mail server refused b@zoom.test', refusal: { code: 'some-recipients-refused', recipients: ['b@zoom.test'] }, accepted: ['a@zoom.test'] });
  });

  it('gives Dossier’s diagnostic for a message it could not build', async () => {
    const delivery = await sendOrExplain(message, sending(invalidMessage('Attachment vc/x.pdf of letter does not exist; publish it before sending.')));
    expect(delivery.refusal).toEqual({ code: 'invalid-message', diagnostic: 'Attachment vc/x.pdf of letter does not exist; publish it before sending.' });
  });

  it('passes on a failure of the relay, which is retried, not refused', async () => {
    await expect(sendOrExplain(message, sending(relayFault('The mail relay could not be reached', {})))).rejects.toBeInstanceOf(ActivityFailure);
  });
});
