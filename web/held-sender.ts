// The holding pen's suggestion for a held message: the case of the vendor whose address sent it, so
// that an officer sorting a fresh email (no thread, no token, no case reference) confirms a case
// rather than searching thousands. Only a suggestion: the officer still assigns, and the engagement's
// rules still decide. Each campaign answers for its own vendors (`vendorsOfSenderQuery`, by the
// intake's rule, `vendorsOfSender` in workflows/inbox-rules.ts), so no page reads every vendor's addresses.

/** One case the sender's address could be of. */
export interface SenderCase {
  campaignId: string;
  vendorId: string;
}

/** What one campaign answered: its vendors the sender could be; undefined from a worker older than the question, or none. */
export interface SenderAnswer {
  campaignId: string;
  vendorIds: string[] | undefined;
}

/**
 * The cases the campaigns' answers name: in each campaign, the nearest of the vendors the sender is
 * near (two vendors as near are both named); every campaign counts apart, each weighing its own
 * vendors. Undefined when it cannot be told: a campaign that did not answer, or whose worker is older
 * than the question, could have the sender's vendor as well.
 */
export function casesOfSender(answers: SenderAnswer[]): SenderCase[] | undefined {
  if (answers.some((a) => a.vendorIds === undefined)) return undefined;
  return answers.flatMap(({ campaignId, vendorIds }) => vendorIds!.map((vendorId) => ({ campaignId, vendorId })));
}
