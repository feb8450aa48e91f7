// The case officer's CLI in French: `node bin/dossier.js --lang fr …` (or a French locale) in a
// subprocess, against the run's real Temporal server and this file's worker, as in cli.test.ts. The
// tables, sentences and errors come out in French, its dates and typography as Dossier writes French
// elsewhere; `--json` stays as it is in English, for scripts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngagementStatus } from '../../workflows/messages';
import { runDossier, type CliRun } from '../helpers/cli';
import { useDossier } from '../helpers/harness';
import { PROJECT_ROOT } from '../../paths';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'cli');
const OFFICER = 'Agnès Officer';
const NBSP = '\u00a0';
const NNBSP = '\u202f';
/** A French time as the CLI prints it: "1er déc. 2026, 6 h 14 UTC", its parts held together by no-break spaces. */
const FRENCH_TIME = /\d{1,2}(er)?\u00a0[a-zéû]+\.?\u00a0\d{4}, \d{1,2}\u00a0h\u00a0\d{2}\u00a0UTC/;

describe('the dossier CLI in French', () => {
  const env = useDossier({ encrypted: true });

  const dossier = (args: string[], locale?: string): Promise<CliRun> => runDossier(env.childEnv, OFFICER, args, locale ? { locale } : {});

  async function ok(args: string[], locale?: string): Promise<string> {
    const run = await dossier(args, locale);
    expect(run.code, `dossier ${args.join(' ')}\n${run.stderr}`).toBe(0);
    return run.stdout;
  }

  function campaignFile(campaignId: string): string {
    const text = readFileSync(join(FIXTURES, 'campaign.yaml'), 'utf8').replace(/^id: cli-test$/m, `id: ${campaignId}`);
    const file = join(env.scratch, `${campaignId}.yaml`);
    writeFileSync(file, text);
    return file;
  }

  async function waitForVisibility(query: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await env.client.workflow.count(query)).count < 1) {
      if (Date.now() > deadline) throw new Error(`visibility never showed ${query}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it('shows an engagement, records a response and lists engagements in French when the officer asks', { timeout: 180_000 }, async () => {
    const campaignId = env.uniqueId('cli-fr');
    const file = campaignFile(campaignId);

    const started = await ok(['--lang', 'fr', 'engagement', 'start', '--campaign-file', file, '--vendor', 'zoom']);
    expect(started).toBe(`engagement:${campaignId}:zoom lancé${NBSP}: la lettre ouverte part à Zoom.\n`);
    await env.sink.waitFor(1, undefined, 60_000);
    await waitForVisibility(`DossierCampaign = '${campaignId}' AND DossierStage = 'awaiting-response'`);

    const shown = await ok(['--lang', 'fr', 'engagement', 'show', campaignId, 'zoom']);
    for (const words of ['entreprise', 'étape', 'réponse attendue', 'prochaine échéance', 'pas encore', 'rappels envoyés', 'Historique', `lettre ouverte${NBSP}: message envoyé`]) {
      expect(shown, words).toContain(words);
    }
    expect(shown).toMatch(FRENCH_TIME);
    expect(shown).toMatch(/\(dans \d+/);
    expect(shown).not.toMatch(/next deadline|Timeline|awaiting-response|open letter sent/);

    const responded = await ok(['engagement', 'respond', campaignId, 'zoom', '--file', join(FIXTURES, 'response.md'), '--lang=fr']);
    // The file lists two documents and no --attach gives them: only their names are recorded, and the officer is told.
    expect(responded).toBe(
      `Réponse consignée${NNBSP}; engagement:${campaignId}:zoom est maintenant à l’étape «\u202fa répondu\u202f».\n` +
        `Nommés seulement, sans document conservé${NBSP}: zoom-privacy-whitepaper.pdf, zoom-encryption-design.pdf (le fichier de la réponse les mentionne${NNBSP}; aucun fichier n’a été donné avec --attach).\n`,
    );

    // A refusal of the workflow's, worded from its code as the workspace words it.
    const again = await dossier(['--lang', 'fr', 'engagement', 'respond', campaignId, 'zoom', '--file', join(FIXTURES, 'response.md')]);
    expect(again.code).toBe(4);
    expect(again.stderr).toBe(`dossier: engagement:${campaignId}:zoom${NBSP}: demande refusée — Une réponse ne peut pas être enregistrée à l’étape «\u202fa répondu\u202f».\n`);

    // The locale alone, without --lang: a French desk reads French.
    await waitForVisibility(`DossierCampaign = '${campaignId}' AND DossierStage = 'responded'`);
    const listed = await ok(['list', '--campaign', campaignId], 'fr_CA.UTF-8');
    for (const words of ['campagne', 'entreprise', 'étape', 'prochaine échéance', 'état', 'a répondu', 'en cours']) expect(listed, words).toContain(words);
    expect(listed).not.toContain('responded');

    // --json is for scripts: the same keys and codes as in English.
    const json = JSON.parse(await ok(['--json', '--lang', 'fr', 'engagement', 'show', campaignId, 'zoom'])) as EngagementStatus;
    expect(json.stage).toBe('responded');
    expect(json.timeline.map((e) => e.what)).toContain('response recorded');
  });

  it('follows a campaign in French', { timeout: 180_000 }, async () => {
    const campaignId = env.uniqueId('cli-fr-camp');
    const started = await ok(['--lang', 'fr', 'campaign', 'start', '--file', campaignFile(campaignId), '--no-wait']);
    expect(started).toBe(`campaign:${campaignId} lancée avec 3 entreprises.\n`);
    await waitForVisibility(`DossierCampaign = '${campaignId}' AND DossierStage = 'awaiting-response'`);

    const status = await ok(['--lang', 'fr', 'campaign', 'status', campaignId]);
    for (const words of ['campagne', 'phase', 'dossiers en cours', 'déclaration', 'pas encore rédigée', 'Dossiers', 'derniers avis']) expect(status, words).toContain(words);
    expect(status).not.toMatch(/not drafted|Engagements|final notices/);

    const statement = await ok(['--lang', 'fr', 'statement', 'status', campaignId]);
    for (const words of ['conclusions', 'pas encore rédigées', 'projet', 'Dossiers encore ouverts']) expect(statement, words).toContain(words);
    const unpublished = await dossier(['--lang', 'fr', 'statement', 'publication', campaignId]);
    expect(unpublished.code).toBe(4);
    expect(unpublished.stderr).toBe(`dossier: campaign:${campaignId} n’est pas publiée${NBSP}: la déclaration n’est pas encore rédigée (des dossiers sont en cours${NNBSP}; \`npx dossier statement draft\` la rédige maintenant)\n`);

    // The audit export follows the officer's language unless --language names another.
    const csv = join(env.scratch, `${campaignId}.csv`);
    const exported = await ok(['--lang', 'fr', 'audit', campaignId, '--out', csv]);
    expect(exported).toMatch(/^Piste d’audit écrite dans .+\u00a0: \d+ événements? de \d+ flux\.\n$/);
    expect(exported).toContain(csv);
    expect(readFileSync(csv, 'utf8')).toContain('Heure (UTC)');

    const held = await ok(['--lang', 'fr', 'inbox', 'held', '--campaign', campaignId]);
    expect(held).toBe(`Rien n’est en attente pour ${campaignId}.\n`);
  });

  it('says what went wrong in French, and refuses a language it does not speak', async () => {
    const missing = await dossier(['--lang', 'fr', 'engagement', 'show', 'nope', 'zoom']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe(`dossier: engagement:nope:zoom n’existe pas (vérifiez les identifiants de la campagne et de l’entreprise)\n`);

    const badDate = await dossier(['--lang', 'fr', 'engagement', 'respond', 'nope', 'zoom', '--file', join(FIXTURES, 'response.md'), '--received', 'yesterday']);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain(`--received${NBSP}: «\u202fyesterday\u202f» n’est pas une date`);

    const notAnEngagement = await dossier(['--lang', 'fr', 'engagement', 'show', 'zoom']);
    expect(notAnEngagement.code).toBe(2);
    expect(notAnEngagement.stderr).toBe(`dossier: «\u202fzoom\u202f» ne désigne pas un dossier${NBSP}: indiquez <campagne> <entreprise>, ou engagement:<campagne>:<entreprise>\n`);
    const notAnId = await dossier(['--lang', 'fr', 'engagement', 'show', 'VC', 'zoom']);
    expect(notAnId.stderr).toContain(`«\u202fVC\u202f» n’est pas un identifiant de campagne${NBSP}:`);

    // A problem of a campaign file that carries its code is worded as the workspace words it.
    const badCampaign = join(env.scratch, 'unknown-field.yaml');
    writeFileSync(badCampaign, `${readFileSync(join(FIXTURES, 'campaign.yaml'), 'utf8')}colour: blue\n`);
    const refusedFile = await dossier(['--lang', 'fr', 'campaign', 'start', '--file', badCampaign]);
    expect(refusedFile.code).toBe(2);
    expect(refusedFile.stderr).toMatch(new RegExp(`^dossier: .*unknown-field\\.yaml${NBSP}: Champ inconnu dans le fichier${NBSP}: colour\\. \\(ligne \\d+\\)\\n$`));

    const noFile = join(env.scratch, 'no-such-response.md');
    const unreadable = await dossier(['--lang', 'fr', 'engagement', 'respond', 'nope', 'zoom', '--file', noFile]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toBe(`dossier: impossible de lire ${noFile}${NBSP}: fichier introuvable\n`);

    const badRound = await dossier(['--lang', 'fr', 'engagement', 'extend', 'nope', 'zoom', '--for', '3 days', '--reason', 'r', '--round', '0']);
    expect(badRound.code).toBe(2);
    expect(badRound.stderr).toBe(`dossier: --round${NBSP}: «\u202f0\u202f» n’est pas un nombre entier positif\n`);

    const german = await dossier(['--lang', 'de', 'list']);
    expect(german.code).toBe(2);
    expect(german.stderr).toBe('dossier: --lang: "de" is not a language of Dossier; choose one of en, fr\n');
    const germanOnAFrenchDesk = await dossier(['--lang', 'de', 'list'], 'fr_FR.UTF-8');
    expect(germanOnAFrenchDesk.stderr).toBe(`dossier: --lang${NBSP}: «\u202fde\u202f» n’est pas une langue de Dossier${NNBSP}; choisissez parmi en, fr\n`);
  });

  it('says in French why the server refused a search query', async () => {
    const unquoted = await dossier(['--lang', 'fr', 'search', 'DossierStage = demonstration']);
    expect(unquoted.code).toBe(2);
    expect(unquoted.stderr).toBe(
      `dossier: requête de recherche invalide${NBSP}: la valeur de «\u202fDossierStage = demonstration\u202f» demande des apostrophes${NBSP}: DossierStage = 'demonstration'\n`,
    );
    const unknownAttribute = await dossier(['--lang', 'fr', 'search', "DossierStag = 'x'"]);
    expect(unknownAttribute.code).toBe(2);
    expect(unknownAttribute.stderr).toMatch(new RegExp(`^dossier: requête de recherche «\u202fDossierStag = 'x'\u202f» invalide \\(réponse du serveur Temporal, non traduite${NBSP}: .*DossierStag.*\\)${NNBSP}; écrivez les comparaisons comme DossierStage = 'follow-up' \\(attributs${NBSP}: DossierStage, `));
    expect(unknownAttribute.stderr).not.toContain('write comparisons');
  });
});
