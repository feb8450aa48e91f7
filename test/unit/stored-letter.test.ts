// The campaign's letter kept once in the published files: read back only as it was written, and the
// workspace's shared store, once closed, never opened again behind the process's back.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeLetter, withLetterBody } from '../../activities/stored-letter';
import { sharedStoreOnce } from '../../client/shared-store';
import { LocalPublishedFiles } from '../../store/local';
import { StoreError } from '../../store';
import { testCampaign } from '../helpers/fixtures';

describe('the letter kept once', () => {
  const campaign = { ...testCampaign('kept'), letterBody: { en: ['Dear company,', 'Please reply.'], fr: ['Madame, Monsieur,', 'Veuillez répondre.'] } };

  it('gives the open letter its body back from the files, and keeps the same body as one file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dossier-letter-'));
    const files = new LocalPublishedFiles(root);
    const stored = await storeLetter(files, campaign, 'kept');
    expect(stored.path).toMatch(/^kept\/letter\/[0-9a-f]{16}\.json$/);
    expect(await storeLetter(files, campaign, 'kept')).toEqual(stored);
    const withReference = { ...campaign, letterBody: { en: [], fr: [] }, letterFile: stored };
    expect((await withLetterBody(withReference, files)).letterBody).toEqual(campaign.letterBody);
    // A campaign that carries its letter is given as it is.
    expect(await withLetterBody(campaign, files)).toBe(campaign);
  });

  it('refuses a kept letter that is missing or not what the campaign recorded, naming what to check', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dossier-letter-'));
    const files = new LocalPublishedFiles(root);
    const other = { ...campaign, letterBody: { en: ['Another letter.'], fr: ['Une autre lettre.'] } };
    const stored = await storeLetter(files, other, 'altered');
    writeFileSync(join(root, ...stored.path.split('/')), JSON.stringify({ en: ['Changed after the campaign kept it.'], fr: [] }));
    const reference = (letterFile: typeof stored) => ({ ...other, letterBody: { en: [], fr: [] }, letterFile });
    await expect(withLetterBody(reference(stored), files)).rejects.toThrow(/does not match what the campaign kept \(SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}\)/);
    const missing = { path: 'altered/letter/0000000000000000.json', sha256: '0'.repeat(64) };
    await expect(withLetterBody(reference(missing), files)).rejects.toThrow(/is missing from the published files \(altered\/letter\/0000000000000000\.json\); check that every worker uses the same store/);
  });
});

describe("the workspace's shared store", () => {
  it('opens once, and once closed refuses to open again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dossier-shared-'));
    const store = sharedStoreOnce({ DOSSIER_OUTPUT_DIR: join(root, 'out'), DOSSIER_STATE_DIR: join(root, 'state'), DOSSIER_KEYSTORE_DIR: join(root, 'keys') });
    expect(store()).toBe(store());
    await store.close();
    expect(() => store()).toThrow(StoreError);
    expect(() => store()).toThrow(/closed: this process is stopping/);
  });
});
