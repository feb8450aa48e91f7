// One CLI command, one shared store: the store a command writes documents to or reads held mail
// through is the one the payload codec takes its keys from, and the CLI closes it on the way out.
// A second store, opened by the encryption loader and never closed, would hold a PostgreSQL pool of
// its own for as long as the process ran. Every store opened is counted through `openStore`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SharedStore, StoreSettings } from '../../store';
import { runCli } from '../../client/cli';
import { startEngagement } from '../helpers/engagement-driver';
import { engagementInput, patientPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { PROJECT_ROOT } from '../../paths';

const opened = vi.hoisted(() => [] as { where: string; closed: boolean }[]);

vi.mock('../../store', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../store')>();
  return {
    ...actual,
    openStore(settings: StoreSettings): SharedStore {
      const store = actual.openStore(settings);
      const entry = { where: new Error().stack?.split('\n').slice(2, 6).join(' | ') ?? '', closed: false };
      opened.push(entry);
      const close = async () => {
        entry.closed = true;
        await store.close();
      };
      return new Proxy(store, { get: (target, property) => (property === 'close' ? close : Reflect.get(target, property)) });
    },
  };
});

afterEach(() => vi.restoreAllMocks());

describe('the stores a CLI command opens', () => {
  const env = useDossier({ encrypted: true });
  let campaignId = '';
  let cliEnv: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    campaignId = env.uniqueId('cli-store');
    const maildir = join(env.scratch, 'maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
    cliEnv = { ...env.childEnv, DOSSIER_OFFICER: 'Agnès Officer', DOSSIER_STATE_DIR: join(env.scratch, 'cli-state'), DOSSIER_MAILDIR: maildir };
    const driver = await startEngagement(env, engagementInput(campaignId, 'zoom', patientPolicy()));
    await driver.waitForStatus((s) => s.stage === 'awaiting-response');
  }, 120_000);

  async function storesOpenedBy(args: string[]): Promise<{ code: number; opened: typeof opened }> {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    opened.length = 0;
    const code = await runCli(args, cliEnv);
    return { code, opened: [...opened] };
  }

  it('opens one store for respond --attach, and closes it', { timeout: 60_000 }, async () => {
    const annex = join(env.scratch, 'annex.pdf');
    writeFileSync(annex, '%PDF-1.4 annex\n');
    const run = await storesOpenedBy(['engagement', 'respond', campaignId, 'zoom', '--file', join(PROJECT_ROOT, 'test', 'fixtures', 'cli', 'response.md'), '--attach', annex]);
    expect(run.code).toBe(0);
    expect(run.opened.map((s) => s.where), 'stores opened').toHaveLength(1);
    expect(run.opened.filter((s) => !s.closed).map((s) => s.where), 'stores left open').toEqual([]);
  });

  it('opens one store for inbox assign (and held), and closes it', { timeout: 60_000 }, async () => {
    // Nothing is held: assign is refused, after it opened everything it needs.
    for (const args of [['inbox', 'held', '--campaign', campaignId], ['inbox', 'assign', '<nothing-held@test>', campaignId, 'zoom']]) {
      const run = await storesOpenedBy(args);
      expect(run.opened.map((s) => s.where), `stores opened by ${args.join(' ')}`).toHaveLength(1);
      expect(run.opened.filter((s) => !s.closed).map((s) => s.where), `stores left open by ${args.join(' ')}`).toEqual([]);
    }
  });
});
