// `dossier campaign shred` in the officer's language: what was destroyed, what was purged and what
// shredding leaves behind, from templates/cli.yaml, against the run's Temporal server and a local store.
import { describe, expect, it } from 'vitest';
import { engagementInput, patientPolicy } from '../helpers/fixtures';
import { startEngagement } from '../helpers/engagement-driver';
import { runDossier, type CliRun } from '../helpers/cli';
import { useDossier } from '../helpers/harness';

const env = useDossier();
const NBSP = '\u00a0';

describe('dossier campaign shred in French', () => {
  it('says in French that the key is destroyed, how it was purged, and what shredding leaves', async () => {
    const campaignId = env.uniqueId('shred-fr');
    const e = await startEngagement(env, engagementInput(campaignId, 'zoom', patientPolicy()));
    await e.waitForMail('letter');
    await e.handle.terminate('ended for the shred wording test');
    // Visibility lists the engagement as ended a moment after it is.
    let shred: CliRun | undefined;
    for (let tries = 0; tries < 30; tries++) {
      shred = await runDossier(env.childEnv, 'Officer Tremblay', ['campaign', 'shred', campaignId, '--confirm', campaignId], { locale: 'fr_FR.UTF-8' });
      if (shred.code === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(shred!.code, shred!.stderr).toBe(0);
    const { stdout } = shred!;
    expect(stdout).toContain(`La clé de données de ${campaignId} est détruite${NBSP}: l’historique de ses flux et les adresses du registre des envois sont désormais illisibles.`);
    expect(stdout).toContain(`fichiers locaux${NBSP}: le fichier de la clé détruite a été écrasé par des octets aléatoires avant d’être supprimé.`);
    expect(stdout).toContain(`L’effacement laisse, lisibles comme avant${NBSP}:`);
    expect(stdout).toContain('  - sur le serveur Temporal, en clair');
    for (const english of ['data key', 'destroyed', 'Shredding leaves', 'local files', 'publication folder', 'search attributes']) expect(stdout).not.toContain(english);
  });
});
