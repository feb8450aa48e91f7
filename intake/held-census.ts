// The intake's count of each holding pen, kept in the shared store (local files, or PostgreSQL on a
// cluster) so that the officers' digest says what waits in each pen on a worker that holds no
// mailbox credentials: the intake, which reads the mailbox, writes a pen's count each time it holds
// a message there or an officer assigns or dismisses one (through the workspace or the CLI, which
// decide through the intake), and every few minutes while it runs. A count and a date, no message
// content: nothing in it needs the campaign's key.
import type { HeldCount, HeldPen } from '../activities/officer-digest';
import type { PublishedFiles } from '../store/types';
import { holdingFolder } from './mailbox';

/** Where the counts are, one file per pen, named as the pen's folder in the case mailbox. */
const CENSUS_FOLDER = 'intake/held-pens';

/**
 * A pen's count as the intake wrote it. No time of counting: the same count is the same bytes, so the
 * store writes nothing when an officer's listing of the pen finds it as it was.
 */
interface PenCensus extends HeldCount {
  /** The campaign whose pen it is; absent for the mail that names no campaign. */
  campaignId?: string;
}

export interface HeldCensus {
  write(campaignId: string | undefined, count: HeldCount): Promise<void>;
  /** The pens counted so far (`undefined`: the unsorted one), for the intake to count them again. */
  pens(): Promise<(string | undefined)[]>;
  /** The campaigns whose pens were last counted with mail in them: the only ones an officer's listing asks the mailbox about. */
  campaignPensHolding(): Promise<string[]>;
}

const pathOf = (campaignId: string | undefined) => `${CENSUS_FOLDER}/${holdingFolder(campaignId)}.json`;

export function heldCensusIn(files: PublishedFiles): HeldCensus {
  return {
    async write(campaignId, { count, oldest }) {
      const census: PenCensus = { ...(campaignId === undefined ? {} : { campaignId }), count, ...(oldest ? { oldest } : {}) };
      await files.write(pathOf(campaignId), Buffer.from(JSON.stringify(census)));
    },
    async pens() {
      const pens: (string | undefined)[] = [];
      for (const path of await files.list(CENSUS_FOLDER)) {
        const census = parseCensus(await files.read(path));
        if (census) pens.push(census.campaignId);
      }
      return pens;
    },
    campaignPensHolding: campaignPensHoldingIn(files),
  };
}

/**
 * The pens as the intake last counted them, for one digest run. A pen never counted held nothing
 * since the intake began to count (it counts a pen when it holds mail there): none wait in it.
 */
export function heldPenCountedIn(files: PublishedFiles): () => Promise<HeldPen> {
  return async () => ({
    async count(campaignId) {
      const census = parseCensus(await files.read(pathOf(campaignId)));
      if (!census) return { count: 0 };
      return { count: census.count, ...(census.oldest ? { oldest: census.oldest } : {}) };
    },
    close: async () => undefined,
  });
}

/**
 * The campaigns whose pens the intake last counted with mail in them, for the digest to tell an ended
 * campaign's pen (which no running workflow names) to its officers. A count, never the mailbox: cheap
 * each hour, opened or not.
 */
export function campaignPensHoldingIn(files: PublishedFiles): () => Promise<string[]> {
  return async () => {
    const holding: string[] = [];
    for (const path of await files.list(CENSUS_FOLDER)) {
      const census = parseCensus(await files.read(path));
      if (census?.campaignId !== undefined && census.count > 0) holding.push(census.campaignId);
    }
    return holding;
  };
}

function parseCensus(bytes: Buffer | undefined): PenCensus | undefined {
  if (!bytes) return undefined;
  try {
    const census = JSON.parse(bytes.toString('utf8')) as PenCensus;
    return Number.isInteger(census.count) && census.count >= 0 ? census : undefined;
  } catch {
    return undefined;
  }
}
