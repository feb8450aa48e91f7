// `statement approve | withdraw-approval | request-changes` as the officer reads them: each authority
// named as the campaign file names it (never by the id typed with --authority, unless the campaign
// has no such authority), and the approval that publishes the statement said before it is given and
// given only confirmed. The campaign is a stand-in over the workflow's own state (CampaignCase): its
// validator, then its handler, as the workflow runs them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Command } from 'commander';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { EXIT } from '../../client/cli';
import { Session, type CommandContext } from '../../client/commands/context';
import { fromTemporal } from '../../client/errors';
import { ensureDevMasterKeys } from '../../encryption/config';
import { CampaignCase } from '../../workflows/campaign-state';
import type { ApproveStatementInput, DraftStatementInput, RequestChangesInput, SetConclusionsInput } from '../../workflows/messages';
import type { CampaignRef, Language } from '../../workflows/types';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { runCli } from '../helpers/cli-run';

// The terminal's answer to the CLI's question, and the questions it asked.
const terminal = vi.hoisted(() => ({ answer: '', asked: [] as string[] }));
vi.mock('node:readline/promises', () => ({
  createInterface: () => ({ question: async (prompt: string) => (terminal.asked.push(prompt), terminal.answer), close: () => undefined }),
}));

const scratch = mkdtempSync(join(tmpdir(), 'dossier-cli-statement-answers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const OPC_EN = 'Office of the Privacy Commissioner of Canada';
const OPC_FR = 'Commissariat à la protection de la vie privée du Canada';
const FDPIC_EN = 'Swiss Federal Data Protection and Information Commissioner';
const FDPIC_FR = 'Préposé fédéral à la protection des données et à la transparence';

/** Version 1 out for approval by both authorities; the French article is the campaign file's (opc's only). */
function awaitingApproval(): CampaignCase {
  const base = testCampaign('vc');
  const campaign: CampaignRef = { ...base, authorities: base.authorities.map((a) => (a.id === 'opc' ? { ...a, article: { fr: 'le' as const } } : a)) };
  const kase = new CampaignCase({ campaign, vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
  kase.addEngagement(testVendor('zoom'), false);
  kase.engagementFailed('zoom', 'worker lost');
  kase.startApproval('2026-11-25T10:00:00.000Z');
  return kase;
}

/** The workflow's validator, as the client API gets its refusal: a failed update. */
function asWorkflow<T>(check: () => void, then: () => T): T {
  try {
    check();
  } catch (err) {
    throw fromTemporal(new WorkflowUpdateFailedError('Workflow Update failed', err as Error), 'campaign:vc', '127.0.0.1:7233');
  }
  return then();
}

/** A CLI session whose campaign is `kase`, answering its updates as the workflow does. */
class StandInSession extends Session {
  readonly sent: string[] = [];

  constructor(
    env: Record<string, string>,
    readonly kase: CampaignCase,
    language: Language,
    /** What lands between the CLI's read of the status and its first approval (another authority's). */
    private meanwhile?: () => void,
    /** A published statement's PDFs, by language: filed in the store and listed in the status. */
    private readonly published?: Record<Language, string>,
  ) {
    super(env, language);
  }

  override context(command: Command): CommandContext {
    const context = super.context(command);
    const { kase, sent } = this;
    const at = '2026-11-26T09:00:00.000Z';
    const landsMeanwhile = () => {
      const meanwhile = this.meanwhile;
      this.meanwhile = undefined;
      meanwhile?.();
    };
    const published = this.published;
    const campaigns = {
      status: async () => {
        if (!published) return kase.status();
        const files = Object.fromEntries(Object.keys(published).map((language) => [language, `vc/statement.${language}.pdf`]));
        for (const [language, path] of Object.entries(files)) await context.store().files.write(path, Buffer.from(published[language as Language]));
        return { ...kase.status(), published: { at, files } };
      },
      approve: async (_campaign: string, input: ApproveStatementInput) => (
        landsMeanwhile(), sent.push(`approve${input.confirmsPublication ? ' confirmed' : ''}`), asWorkflow(() => kase.checkApproval(input), () => kase.approve(input, at))
      ),
      withdrawApproval: async (_campaign: string, input: ApproveStatementInput) =>
        (sent.push('withdraw'), asWorkflow(() => kase.checkWithdrawal(input), () => kase.withdrawApproval(input, at))),
      draftStatement: async (_campaign: string, by: string, _openCases: undefined, { confirmsUnchanged, answer }: Pick<DraftStatementInput, 'confirmsUnchanged' | 'answer'> = {}) => {
        const input: DraftStatementInput = { by, ...(confirmsUnchanged ? { confirmsUnchanged } : {}), ...(answer !== undefined ? { answer } : {}) };
        sent.push(`draft${confirmsUnchanged ? ' unchanged' : ''}`);
        return asWorkflow(() => kase.checkDraft(input), () => kase.requestDraft(input, at));
      },
      setConclusions: async (_campaign: string, input: SetConclusionsInput) =>
        (sent.push('conclusions'), asWorkflow(() => kase.checkConclusions(input), () => kase.setConclusions(input, at))),
      statement: async () => undefined,
      requestChanges: async (_campaign: string, input: RequestChangesInput) =>
        (sent.push('request-changes'), asWorkflow(() => kase.checkChangeRequest(input), () => kase.requestChanges(input, at))),
    };
    return Object.assign(Object.create(context) as CommandContext, { campaigns: async () => campaigns as never });
  }
}

/**
 * Runs the CLI as `officer` (one person signs for one authority), with no terminal (a script) unless
 * `tty`: what it printed, on which stream, its exit code and the updates it sent.
 */
async function run(kase: CampaignCase, argv: string[], language: Language = 'en', officer = 'Marie Leclerc', tty = false, meanwhile?: () => void, published?: Record<Language, string>) {
  const data = join(scratch, 'data');
  ensureDevMasterKeys(join(data, 'master.keys'));
  const session = new StandInSession({ DOSSIER_DATA_DIR: data, DOSSIER_OFFICER: officer, TEMPORAL_ADDRESS: '127.0.0.1:1' }, kase, language, meanwhile, published);
  Object.defineProperty(process.stdin, 'isTTY', { value: tty, configurable: true });
  return { ...(await runCli(session, argv)), sent: session.sent };
}

describe('the authorities, as the CLI names them', () => {
  it('names each by its name in what an approval, a withdrawal and the status print, in English and French', async () => {
    const kase = awaitingApproval();
    const approved = await run(kase, ['statement', 'approve', 'vc', '--authority', 'opc', '--version', '1']);
    expect(approved.exitCode, approved.stderr).toBe(EXIT.ok);
    expect(approved.stdout).toMatch(new RegExp(`waiting for\\s*│\\s*${FDPIC_EN}`));
    expect(approved.stdout).toContain(OPC_EN);
    expect(approved.stdout).not.toMatch(/\bopc\b|\bfdpic\b/);

    const withdrawn = await run(kase, ['statement', 'withdraw-approval', 'vc', '--authority', 'opc', '--version', '1'], 'fr');
    expect(withdrawn.stdout).toContain(`L’approbation de la version 1 par le ${OPC_FR} est retirée\u202f; la version attend de nouveau sa réponse.`);
    expect(withdrawn.stdout).not.toMatch(/\bopc\b|\bfdpic\b/);

    const again = awaitingApproval();
    await run(again, ['statement', 'approve', 'vc', '--authority', 'opc', '--version', '1']);
    const english = await run(again, ['statement', 'withdraw-approval', 'vc', '--authority', 'opc', '--version', '1']);
    expect(english.stdout).toContain(`The approval of version 1 by the ${OPC_EN} is withdrawn; the version awaits its answer again.`);
  });

  it('names the signatory of the other authority in French as its status table does, not with the record’s English "CLI"', async () => {
    const kase = awaitingApproval();
    await run(kase, ['statement', 'approve', 'vc', '--authority', 'opc', '--version', '1']);
    const elsewhere = await run(kase, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1', '--confirm-publish'], 'fr');
    expect(elsewhere.exitCode).toBe(EXIT.refused);
    expect(elsewhere.stderr).toMatch(/Marie Leclerc \([^)]*, ligne de commande\) a déjà approuvé pour le Commissariat/);
    expect(elsewhere.stderr).not.toContain(', CLI)');
  });

  it('names them in the campaign’s refusals, and quotes an authority it does not have as it was typed', async () => {
    const kase = awaitingApproval();
    await run(kase, ['statement', 'approve', 'vc', '--authority', 'opc', '--version', '1']);
    const twice = await run(kase, ['statement', 'approve', 'vc', '--authority', 'opc', '--version', '1']);
    expect(twice.exitCode).toBe(EXIT.refused);
    expect(twice.stderr).toContain(`Version 1 is already approved for the ${OPC_EN}.`);
    const twiceFr = await run(kase, ['statement', 'approve', 'vc', '--authority', 'opc', '--version', '1'], 'fr');
    expect(twiceFr.stderr).toContain(`La version 1 est déjà approuvée pour le ${OPC_FR}.`);
    const elsewhere = await run(kase, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1', '--confirm-publish']);
    expect(elsewhere.stderr).toContain('has already approved for the Office of the Privacy Commissioner of Canada: each authority approves through its own signatory.');
    const nothing = await run(kase, ['statement', 'withdraw-approval', 'vc', '--authority', 'fdpic', '--version', '1'], 'fr');
    // The authority is named inside the sentence, not at its start, where its article would be lower case.
    expect(nothing.stderr).toContain(`Il n’y a aucune approbation de la version 1 par l’autorité «\u202f${FDPIC_FR}\u202f» à retirer.`);

    for (const [language, said] of [
      ['en', `There is no signatory authority “cnil” (the signatories: ${OPC_EN}; ${FDPIC_EN}).`],
      ['fr', `Il n’y a pas d’autorité signataire «\u202fcnil\u202f» (les signataires\u00a0: ${OPC_FR}\u202f; ${FDPIC_FR}).`],
    ] as const) {
      const unknown = await run(kase, ['statement', 'request-changes', 'vc', '--authority', 'cnil', '--version', '1', '--comment', 'Shorter.'], language);
      expect(unknown.exitCode).toBe(EXIT.refused);
      expect(unknown.stderr).toContain(said);
      expect(unknown.stderr.replace('“cnil”', '').replace('«\u202fcnil\u202f»', '')).not.toMatch(/\bopc\b|\bfdpic\b|\bcnil\b/);
    }
  });
});

describe('statement approve, when the approval is the last one needed', () => {
  it('says it publishes the statement and, with no terminal to confirm on, gives it only with --confirm-publish', async () => {
    const kase = awaitingApproval();
    // Not the last: no flag needed, nothing said of publication.
    const first = await run(kase, ['statement', 'approve', 'vc', '--authority', 'opc', '--version', '1']);
    expect(first.exitCode, first.stderr).toBe(EXIT.ok);
    expect(first.stderr).toBe('');

    const refused = await run(kase, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1'], 'en', 'Adrian Lobsiger');
    expect(refused.stderr).toContain(`This approval of version 1 by the ${FDPIC_EN} is the last one the statement needs: version 1 is then published at once`);
    expect(refused.stderr).toContain('dossier: not approved, nothing changed: this approval of version 1 is the last one needed and would publish the statement, and there is no terminal to confirm it on; to approve and publish, run the command again with --confirm-publish');
    expect(refused.exitCode).toBe(EXIT.usage);
    expect(refused.sent).toEqual([]);
    expect(kase.status().draft?.approvals.map((a) => a.authorityId)).toEqual(['opc']);
    expect(kase.status().phase).toBe('approving');

    const french = await run(kase, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1', '--json'], 'fr', 'Adrian Lobsiger');
    expect(french.stderr).toContain('relancez la commande avec --confirm-publish');
    expect(french.stdout).toBe('');
    expect(french.sent).toEqual([]);

    const confirmed = await run(kase, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1', '--confirm-publish'], 'en', 'Adrian Lobsiger');
    expect(confirmed.exitCode, confirmed.stderr).toBe(EXIT.ok);
    expect(confirmed.stderr).toContain('is the last one the statement needs');
    expect(confirmed.stdout).toContain('Every approval is in: the statement is being published');
    expect(kase.status().draft?.approvals.map((a) => a.authorityId)).toEqual(['opc', 'fdpic']);
  });

  it('asks on a terminal, and gives it only when the officer types yes (oui in French)', async () => {
    const kase = awaitingApproval();
    await run(kase, ['statement', 'approve', 'vc', '--authority', 'opc', '--version', '1']);
    terminal.asked.length = 0;
    terminal.answer = 'no';
    const declined = await run(kase, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1'], 'en', 'Adrian Lobsiger', true);
    expect(terminal.asked).toEqual(['Type yes to approve and publish: ']);
    expect(declined.stderr).toContain('is the last one the statement needs');
    expect(declined.stderr).toContain('dossier: not approved, nothing changed: the publication was not confirmed');
    expect(declined.exitCode).toBe(EXIT.usage);
    expect(declined.sent).toEqual([]);

    terminal.answer = 'oui';
    const confirmed = await run(kase, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1'], 'fr', 'Adrian Lobsiger', true);
    expect(terminal.asked[1]).toBe('Tapez oui pour approuver et publier\u00a0: ');
    expect(confirmed.exitCode, confirmed.stderr).toBe(EXIT.ok);
    expect(kase.status().draft?.approvals.map((a) => a.authorityId)).toEqual(['opc', 'fdpic']);
  });

  // The status the CLI reads says the approval does not publish; the Office approves before it is sent.
  const opcApproves = (kase: CampaignCase) => () => kase.approve({ by: 'Marie Leclerc', authorityId: 'opc', version: 1 }, '2026-11-26T08:59:00.000Z');

  it('gives nothing unconfirmed when another approval lands between its read of the status and its approval', async () => {
    const kase = awaitingApproval();
    const raced = await run(kase, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1'], 'en', 'Adrian Lobsiger', false, opcApproves(kase));
    expect(kase.status().draft?.approvals.map((a) => a.authorityId)).toEqual(['opc']);
    expect(kase.approved()).toBe(false);
    expect(raced.sent).toEqual(['approve']);
    expect(raced.stderr).toContain('Another approval has come in since: this approval of version 1 would now publish the statement, for good.');
    expect(raced.stderr).toContain('run the command again with --confirm-publish');
    expect(raced.exitCode).toBe(EXIT.usage);

    const french = awaitingApproval();
    const racedFr = await run(french, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1'], 'fr', 'Adrian Lobsiger', false, opcApproves(french));
    expect(racedFr.stderr).toContain('Une autre approbation est arrivée entre-temps\u00a0: cette approbation de la version 1 publierait maintenant la déclaration');
    expect(racedFr.stderr).toContain('relancez la commande avec --confirm-publish');
    expect(french.approved()).toBe(false);
  });

  it('asks on a terminal when another approval lands meanwhile, and gives it once the officer types yes', async () => {
    const kase = awaitingApproval();
    terminal.asked.length = 0;
    terminal.answer = 'yes';
    const raced = await run(kase, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1'], 'en', 'Adrian Lobsiger', true, opcApproves(kase));
    expect(terminal.asked).toEqual(['Type yes to approve and publish: ']);
    expect(raced.exitCode, raced.stderr).toBe(EXIT.ok);
    expect(raced.sent).toEqual(['approve', 'approve confirmed']);
    expect(kase.status().draft?.approvals.map((a) => a.authorityId)).toEqual(['opc', 'fdpic']);

    // With --confirm-publish the officer has confirmed already: sent once, and taken.
    const flagged = awaitingApproval();
    const confirmed = await run(flagged, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1', '--confirm-publish'], 'en', 'Adrian Lobsiger', false, opcApproves(flagged));
    expect(confirmed.exitCode, confirmed.stderr).toBe(EXIT.ok);
    expect(confirmed.sent).toEqual(['approve confirmed']);
    expect(flagged.approved()).toBe(true);
  });
});

describe('statement download', () => {
  it('saves the statement in the language the officer reads the CLI in, unless --language names the other', async () => {
    const published = { en: '%PDF-1.7 English statement', fr: '%PDF-1.7 déclaration en français' };
    const saved = (name: string) => join(scratch, name);
    const french = await run(awaitingApproval(), ['statement', 'download', 'vc', '--output', saved('fr-default.pdf')], 'fr', 'Marie Leclerc', false, undefined, published);
    expect(french.exitCode, french.stderr).toBe(EXIT.ok);
    expect(readFileSync(saved('fr-default.pdf'), 'utf8')).toBe(published.fr);
    const english = await run(awaitingApproval(), ['statement', 'download', 'vc', '--output', saved('en-default.pdf')], 'en', 'Marie Leclerc', false, undefined, published);
    expect(readFileSync(saved('en-default.pdf'), 'utf8')).toBe(published.en);
    expect(english.exitCode, english.stderr).toBe(EXIT.ok);
    const asked = await run(awaitingApproval(), ['statement', 'download', 'vc', '--language', 'en', '--output', saved('en-asked.pdf')], 'fr', 'Marie Leclerc', false, undefined, published);
    expect(asked.exitCode, asked.stderr).toBe(EXIT.ok);
    expect(readFileSync(saved('en-asked.pdf'), 'utf8')).toBe(published.en);
  });
});

describe('statement draft, after a co-signatory sent the version back', () => {
  /** Version 1 out with every text, sent back by the Swiss commissioner. */
  function sentBack(): CampaignCase {
    const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    kase.addEngagement(testVendor('zoom'), false);
    kase.engagementFailed('zoom', 'worker lost');
    kase.edit({ by: 'Marie Leclerc', conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Early.'], fr: ['Tôt.'] } });
    kase.startApproval('2026-11-25T10:00:00.000Z');
    kase.requestChanges({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Say more.' }, '2026-11-25T12:00:00.000Z');
    return kase;
  }

  it('refuses it unchanged, naming who sent it back and --confirm-unchanged, in English and French', async () => {
    for (const [language, said] of [
      ['en', 'Version 1 was sent back for changes (by Adrian Lobsiger) and the text has not changed since: edit the text, or confirm that it goes out unchanged (the CLI: run again with --confirm-unchanged).'],
      ['fr', 'La version 1 a été renvoyée pour modifications (par Adrian Lobsiger) et son texte n’a pas changé depuis\u00a0: modifiez le texte'],
    ] as const) {
      const kase = sentBack();
      const refused = await run(kase, ['statement', 'draft', 'vc'], language);
      expect(refused.exitCode, language).toBe(EXIT.refused);
      expect(refused.stderr, language).toContain(said);
      expect(refused.stderr, language).toContain('--confirm-unchanged');
      expect(kase.draft!.version).toBe(1);
    }
  });

  it('submits it unchanged with --confirm-unchanged', async () => {
    const kase = sentBack();
    const confirmed = await run(kase, ['statement', 'draft', 'vc', '--confirm-unchanged']);
    expect(confirmed.exitCode, confirmed.stderr).toBe(EXIT.ok);
    expect(confirmed.sent).toEqual(['draft unchanged']);
    expect(kase.draft!.version).toBe(2);
  });

  it('gives the co-signatories the lead’s answer with --answer, and refuses a blank one naming the answer, in French', async () => {
    const blank = sentBack();
    const refused = await run(blank, ['statement', 'draft', 'vc', '--confirm-unchanged', '--answer', ' '], 'fr');
    expect(refused.exitCode).toBe(EXIT.refused);
    expect(refused.stderr).toContain('la réponse aux demandes de modification');
    expect(blank.draft!.version).toBe(1);
    const kase = sentBack();
    const answered = await run(kase, ['statement', 'draft', 'vc', '--confirm-unchanged', '--answer', 'The vendor names no auditor; we say so.']);
    expect(answered.exitCode, answered.stderr).toBe(EXIT.ok);
    expect(kase.status().changeAnswers).toEqual([expect.objectContaining({ version: 1, answer: 'The vendor names no auditor; we say so.', unchanged: true })]);
    expect(kase.changesRequestedBefore(2).changeAnswer).toMatchObject({ answer: 'The vendor names no auditor; we say so.', unchanged: true });
  });
});

describe('the lead’s edits saved while a version is out for approval', () => {
  /** Version 1 out, approved by the lead's authority; then the lead sets new conclusions with `statement conclusions`. */
  async function editedAfterVersion1(language: Language = 'en') {
    const kase = awaitingApproval();
    expect((await run(kase, ['statement', 'approve', 'vc', '--authority', 'opc', '--version', '1'])).exitCode).toBe(EXIT.ok);
    const file = join(scratch, 'conclusions.yaml');
    writeFileSync(file, 'conclusions:\n  en: [Revised.]\n  fr: [Révisé.]\nlessonsLearned:\n  en: [Later.]\n  fr: [Plus tard.]\n');
    const set = await run(kase, ['statement', 'conclusions', 'vc', '--file', file], language);
    expect(set.exitCode, set.stderr).toBe(EXIT.ok);
    return { kase, set };
  }

  it('are not a new version, as `statement conclusions --help` says, and `statement status` says they are saved but not submitted', async () => {
    const { kase, set } = await editedAfterVersion1();
    expect(kase.status().draft?.version).toBe(1);
    expect(set.stdout).toContain('they go out with the next version the lead submits');
    const help = await run(kase, ['statement', 'conclusions', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).not.toContain('a new draft version if one is out');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('saved, they go out with the next version the lead submits (`statement draft`)');
    const status = await run(kase, ['statement', 'status', 'vc']);
    expect(status.stdout.replace(/\s+/g, ' ')).toContain(
      'The lead’s edits to the text since version 1 are saved but not yet submitted: they go out with the next `npx dossier statement draft`; approved as it is, version 1 is published without them.',
    );
    const fr = await run(kase, ['statement', 'status', 'vc'], 'fr');
    expect(fr.stdout.replace(/[ \t\r\n]+/g, ' ')).toContain(
      'Les modifications du texte par l’autorité responsable depuis la version 1 sont enregistrées mais pas encore soumises\u00a0: elles partent avec le prochain `npx dossier statement draft`\u202f; approuvée telle quelle, la version 1 est publiée sans elles.',
    );
  });

  it('are named by the approval that would publish the version without them, when it asks and when it refuses, in English and French', async () => {
    const { kase } = await editedAfterVersion1();
    const refused = await run(kase, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1'], 'en', 'Adrian Lobsiger');
    expect(refused.exitCode).toBe(EXIT.usage);
    expect(refused.sent).toEqual([]);
    const said = refused.stderr.replace(/\s+/g, ' ');
    expect(said).toContain('The lead has saved edits to the text that are not in version 1: approved now, the statement is published without them.');
    expect(said).toContain('dossier: not approved, nothing changed: this approval of version 1 is the last one needed and would publish the statement without the lead’s saved edits');
    const fr = await run(kase, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1'], 'fr', 'Adrian Lobsiger');
    expect(fr.stderr.replace(/[ \t\r\n]+/g, ' ')).toContain('L’autorité responsable a enregistré des modifications du texte qui ne sont pas dans la version 1\u00a0: approuvée maintenant, la déclaration est publiée sans elles.');
    // Without edits saved since, nothing of the kind is said.
    const plain = awaitingApproval();
    await run(plain, ['statement', 'approve', 'vc', '--authority', 'opc', '--version', '1']);
    const asked = await run(plain, ['statement', 'approve', 'vc', '--authority', 'fdpic', '--version', '1'], 'en', 'Adrian Lobsiger');
    expect(asked.stderr).not.toContain('saved edits');
  });
});
