// The campaign's letter, kept once in the published files. A campaign of 2,000 vendors otherwise
// carried the body in every engagement's input and every letter copy's input: twice per vendor in
// its own history, up to 36 MB of the 50 MB at which Temporal ends it. The open letter and the
// letter copy read it back here; the bytes are checked against the hash the campaign recorded.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { PublishedFiles } from '../store/types';
import type { CampaignRef, Language, StoredLetter } from '../workflows/types';

/** Writes the letter's body under the campaign's folder; the same body is the same file. */
export async function storeLetter(files: PublishedFiles, campaign: CampaignRef, folder: string): Promise<StoredLetter> {
  const bytes = Buffer.from(JSON.stringify(campaign.letterBody), 'utf8');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const path = posix.join(folder, 'letter', `${sha256.slice(0, 16)}.json`);
  await files.write(path, bytes);
  return { path, sha256 };
}

/** Letters read by this worker, by hash: a campaign's engagements all send the same one. */
const readLetters = new Map<string, Record<Language, string[]>>();
const READ_LETTERS_KEPT = 32;

/**
 * The campaign with its letter's body, read from the files when the campaign kept it there. A
 * missing or altered file is the worker's store at fault, not the message: the error is retried.
 */
export async function withLetterBody(campaign: CampaignRef, files: PublishedFiles): Promise<CampaignRef> {
  const stored = campaign.letterFile;
  if (!stored) return campaign;
  let body = readLetters.get(stored.sha256);
  if (!body) {
    const bytes = await files.read(stored.path);
    if (!bytes) throw new Error(`the letter of campaign ${campaign.id} is missing from the published files (${stored.path}); check that every worker uses the same store (DATABASE_URL)`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== stored.sha256) throw new Error(`the letter of campaign ${campaign.id} at ${stored.path} does not match what the campaign kept (SHA-256 ${sha256}, expected ${stored.sha256})`);
    body = JSON.parse(bytes.toString('utf8')) as Record<Language, string[]>;
    if (readLetters.size >= READ_LETTERS_KEPT) readLetters.delete(readLetters.keys().next().value!);
    readLetters.set(stored.sha256, body);
  }
  return { ...campaign, letterBody: body };
}
