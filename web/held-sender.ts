// The holding pen's suggestion for a held message: the case of the vendor whose address sent it, so
// that an officer sorting a fresh email (no thread, no token, no case reference) confirms a case
// rather than searching thousands. Only a suggestion: the officer still assigns, and the engagement's
// rules still decide. Each campaign answers for its own vendors (`vendorsNearSenderQuery`, by the
// intake's rule, `vendorsOfSender` in workflows/inbox-rules.ts), so no page reads every vendor's addresses.
import type { SenderVendor } from '../workflows/messages';

/** One case the sender's address could be of: how near the sender is to its vendor, and whether it has ended. */
export interface SenderCase {
  campaignId: string;
  vendorId: string;
  /** 0 the vendor's very address, 1 its domain, 2 or more a domain under it (maybe a customer's). */
  distance: number;
  ended: boolean;
  /** Its engagement failed: neither assigned to nor joined by a late reply. */
  failed: boolean;
}

/** What one campaign answered: its vendors the sender could be; undefined from a worker older than the question, or none. */
export interface SenderAnswer {
  campaignId: string;
  vendors: SenderVendor[] | undefined;
}

/**
 * The cases the campaigns' answers name: of every campaign's nearest vendors, the nearest of all (an
 * exact address in one campaign outweighs a colleague's domain in another, as the intake would weigh
 * them were they one campaign; as near, all are named). Undefined when it cannot be told: a campaign
 * that did not answer, or whose worker is older than the question, could have the sender's vendor as well.
 */
export function casesOfSender(answers: SenderAnswer[]): SenderCase[] | undefined {
  if (answers.some((a) => a.vendors === undefined)) return undefined;
  const cases = answers.flatMap(({ campaignId, vendors }) =>
    vendors!.map(({ vendorId, distance, ended, failed }) => ({ campaignId, vendorId, distance, ended: ended === true, failed: failed === true })),
  );
  const nearest = Math.min(...cases.map((c) => c.distance));
  return cases.filter((c) => c.distance === nearest);
}
