// The campaign as it runs today, with engagements whose outcome does not say whether the letter
// reached the vendor (`letterUndelivered`), as outcomes of engagements that ended before that was
// reported do not: a campaign running since then holds such outcomes (campaign.test.ts).
import { engagement as current } from '../../workflows/engagement';

export { campaign } from '../../workflows/campaign';

export async function engagement(...args: Parameters<typeof current>): ReturnType<typeof current> {
  const { letterUndelivered: _notYetReported, ...outcome } = await current(...args);
  return outcome;
}
