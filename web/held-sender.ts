// The holding pen's suggestion for a held message: the case of the vendor whose address sent it, so
// that an officer sorting a fresh email (no thread, no token, no case reference) confirms a case
// rather than searching thousands. Only a suggestion: the officer still assigns, and the engagement's
// rules still decide. The rule is the intake's (intake/correlate.ts `vendorsOfSender`, built on the
// engagement's `isVendorAddress`), read from the campaigns' boards (`vendorContacts`).
import { vendorsOfSender } from '../intake/correlate';

/** One case the sender's address could be of. */
export interface SenderCase {
  campaignId: string;
  vendorId: string;
}

/** What the suggestion reads of a campaign: its board, or the part of it that says its vendors' addresses. */
export interface SenderBoard {
  campaignId: string;
  vendorContacts?: Record<string, string[]>;
}

/**
 * The cases among `boards` whose vendor's addresses take `from`: in each campaign, the nearest of the
 * vendors whose engagement would accept it, as the intake weighs a sender (one listing that very
 * address, else those at its domain, else at the nearest domain above it; two vendors as near are
 * both the sender's); every campaign counts apart, since each engagement would accept the message.
 * Undefined when it cannot be told: no sender, or a board without addresses (a worker older than
 * them), whose vendors could be the sender's as well.
 */
export function casesOfSender(from: string | undefined, boards: SenderBoard[]): SenderCase[] | undefined {
  if (!from?.includes('@') || boards.some((b) => b.vendorContacts === undefined)) return undefined;
  return boards.flatMap(({ campaignId, vendorContacts }) => {
    const vendors = Object.entries(vendorContacts!).map(([vendorId, addresses]) => ({ vendorId, contacts: addresses.map((email) => ({ name: '', email })) }));
    return vendorsOfSender(from, vendors).map(({ vendorId }) => ({ campaignId, vendorId }));
  });
}
