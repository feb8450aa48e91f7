// An intake reading a mailbox of its own on the tests' shared Dovecot, as `npm start` wires one: the
// Temporal directory of the file's worker, its documents store, the case address at its mail domain.
// useIntakeOnImap owns a test file's set-up of it (opened before its tests, closed after).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { mailDomain } from '../../activities/email';
import { DossierClient } from '../../client/api';
import { CampaignClient } from '../../client/campaign-api';
import { CaseDocuments } from '../../documents/document-store';
import { TemporalDirectory } from '../../intake/directory';
import { ImapMailbox } from '../../intake/imap-mailbox';
import { Intake } from '../../intake/intake';
import { openLocalStore } from '../../store/local';
import type { useDossier } from './harness';

export interface IntakeOnImap {
  /** The intake's mailbox, and a second connection to it for the tests to deliver mail with. */
  mailbox: ImapMailbox;
  sender: ImapMailbox;
  imapUser: string;
  domain: string;
  caseMailbox: string;
  documents: CaseDocuments;
  /** What `new Intake(...)` takes, fresh at each call. */
  options: () => ConstructorParameters<typeof Intake>[0];
}

/** Opens a new mailbox (user `<prefix>-<random>`) for `env`'s worker; call from `beforeAll`. */
export async function intakeOnImap(env: ReturnType<typeof useDossier>, prefix: string): Promise<IntakeOnImap> {
  const { host, port, password } = inject('imap');
  const imapUser = `${prefix}-${randomUUID().slice(0, 8)}`;
  const settings = { host, port, secure: false, user: imapUser, password };
  const [mailbox, sender] = [new ImapMailbox(settings), new ImapMailbox(settings)];
  await mailbox.open();
  await sender.open();
  const domain = mailDomain(env.config.mailFrom);
  const caseMailbox = `case@${domain}`;
  const address = env.config.temporal.connectionOptions.address!;
  const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address });
  const store = openLocalStore({ outputDir: join(env.scratch, 'out'), stateDir: join(env.scratch, 'state'), keysDir: join(env.scratch, 'keys-unused') });
  const documents = new CaseDocuments(store.documents, env.encryption!.keystore);
  const directory = new TemporalDirectory(dossier, new CampaignClient(env.client, { taskQueue: env.taskQueue, address }), 0);
  return { mailbox, sender, imapUser, domain, caseMailbox, documents, options: () => ({ mailbox, dossier, documents, directory, domain, caseMailbox }) };
}

/** The intake's mailbox and what surrounds it, as `intakeOnImap` opens it, with the intake reading it. */
export interface IntakeOnImapTestEnv extends IntakeOnImap {
  intake: Intake;
}

/**
 * A test file's intake on a mailbox of its own: opened once `env`'s worker runs, its two connections
 * closed after the file's tests. The fields are filled before the first test, as `useDossier`'s are;
 * call it at the file's top, after `useDossier()`.
 * @example
 * const env = useDossier();
 * const imap = useIntakeOnImap(env, 'late');
 * it('records a reply', async () => { await imap.sender.append(raw); await imap.intake.pass(); });
 */
export function useIntakeOnImap(env: ReturnType<typeof useDossier>, prefix: string): IntakeOnImapTestEnv {
  const opened = {} as IntakeOnImapTestEnv;
  beforeAll(async () => {
    Object.assign(opened, await intakeOnImap(env, prefix));
    opened.intake = new Intake(opened.options());
  });
  afterAll(async () => {
    await opened.mailbox?.close();
    await opened.sender?.close();
  });
  return opened;
}
