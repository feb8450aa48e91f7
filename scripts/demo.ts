// `npm run demo`: the July 2020 video-conferencing campaign, end to end, in about a minute. Starts the
// embedded server and mail sink, a worker and the intake in this process, then plays the companies
// and the case officers: four companies reply to the open letter by email (threaded, a PDF
// attached), which the intake records and an officer confirms as the response; they answer
// follow-up questions and demonstrate their measures; Houseparty's mail system only sends an
// out-of-office answer and it is closed; one of Zoom's addresses bounces; the six authorities
// approve; the statement is published. Each run uses a fresh campaign id, so the demo can run again.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { DossierClient } from '../client/api';
import { CampaignClient } from '../client/campaign-api';
import { loadCampaignFile } from '../client/campaign-file';
import { startEmbedded } from '../infra/embedded';
import { MailFolderWatcher, type MailSeen, type ReceivedMail } from '../infra/mail-sink';
import { parseWorkerConfig } from '../worker/config';
import { createDossierWorker } from '../worker/worker';
import { ensureOfficerDigestSchedule } from '../worker/officer-digest-schedule';
import { OFFICER_DIGEST_SCHEDULE_ID } from '../workflows/officer-digest';
import type { CampaignStatus } from '../workflows/messages';
import type { CampaignResult } from '../workflows/campaign';
import { PRINCIPLES, type CampaignInput, type DemonstrationResult, type Findings, type Policy, type Principle } from '../workflows/types';
import { PROJECT_ROOT } from '../paths';
import { CaseDocuments } from '../documents/document-store';
import { parseIntakeConfig } from '../intake/config';
import { TemporalDirectory } from '../intake/directory';
import { Intake } from '../intake/intake';
import { mailboxFor } from '../intake/open';
import { openStore, storeSettingsFromEnv } from '../store';
import type { PublishedFiles } from '../store/types';
import { VendorMail, type Letter } from './demo-mail';

const CAMPAIGN_FILE = join(PROJECT_ROOT, 'campaigns', 'video-conferencing-2020.yaml');

/** Weeks become seconds: Houseparty is reminded twice, given a final notice and closed in ~20 s. */
const DEMO_POLICY: Policy = {
  responseDue: '10s',
  reminderCadence: ['2s', '4s'],
  finalNoticeAfter: '6s',
  closeAfter: '4s',
  followUpDue: '30s',
  demonstrationReminderLead: '2s',
  approvalReminderEvery: '4s',
};

/** The demo campaign file's officers, as the workspace's development users sign in (web/dev-identity-provider.ts). */
const LEAD = 'Geneviève Tremblay-Côté';
const OFFICER = 'Daniel Okafor';

interface Script {
  /** Seconds after the letter before the company's response is recorded. */
  respondsAfter: number;
  /** The company's response (its submission: confidential, never printed in the statement). */
  summary: string;
  /** What the authorities say of the company's position in the statement, in English and French. */
  publicSummary: [en: string, fr: string];
  /** The authorities' public observation of the demonstration, in English and French. */
  observation: [en: string, fr: string];
  questions: string[];
  answers: string[];
  topics: string[];
  result: DemonstrationResult;
  notes: string;
  /** Each finding written for publication: assessment and one good practice, in English and French. */
  findings: Record<Principle, [assessmentEn: string, assessmentFr: string, goodPracticeEn: string, goodPracticeFr: string]>;
}

export const SCRIPTS: Record<string, Script> = {
  microsoft: {
    respondsAfter: 1,
    summary: 'Microsoft described the security and privacy controls of Teams, its data-handling commitments and its approach to children in education.',
    publicSummary: ['In its response, Microsoft set out how Teams is secured and what it commits to in handling data. The authorities note the specific measures it described for students and schools.', 'Dans sa réponse, Microsoft a exposé la sécurisation de Teams et ses engagements en matière de traitement des données. Les autorités relèvent les mesures propres aux élèves et aux établissements scolaires qu’elle a décrites.'],
    observation: ['Key management and administrator privacy controls were shown in a live environment.', 'La gestion des clés et les paramètres de confidentialité des administrateurs ont été montrés dans un environnement réel.'],
    questions: ['How are meeting recordings protected at rest?', 'Which telemetry is collected from education tenants?'],
    answers: ['Recordings are encrypted at rest with per-tenant keys.', 'Only service diagnostics, configurable by the school administrator.'],
    topics: ['Encryption of recordings', 'Administrator privacy controls'],
    result: 'validated',
    notes: 'Key management and administrator controls shown in a live tenant.',
    findings: {
      security: ['Encryption in transit and at rest; end-to-end encryption announced for one-to-one calls.', 'Chiffrement en transit et au repos ; chiffrement de bout en bout annoncé pour les appels individuels.', 'Independent security certifications published', 'Certifications de sécurité indépendantes publiées'],
      'privacy-by-design': ['Privacy reviews are part of the release process.', 'Les examens de protection de la vie privée font partie du processus de mise en production.', 'Privacy impact assessments for new features', 'Évaluations des facteurs relatifs à la vie privée pour les nouvelles fonctions'],
      'know-your-audience': ['Education offerings apply stricter defaults for students.', 'Les offres destinées à l’enseignement appliquent aux élèves des paramètres par défaut plus stricts.', 'Separate defaults for education tenants', 'Paramètres par défaut distincts pour les établissements d’enseignement'],
      transparency: ['Privacy statement and data-processing terms are detailed but long.', 'La déclaration de confidentialité et les conditions de traitement des données sont détaillées, mais longues.', 'Layered privacy notices', 'Avis de confidentialité à plusieurs niveaux'],
      'end-user-control': ['Meeting organisers control recording and lobby settings.', 'Les organisateurs de réunions contrôlent l’enregistrement et la salle d’attente.', 'Recording indicator shown to every participant', 'Indicateur d’enregistrement visible par chaque participant'],
    },
  },
  cisco: {
    respondsAfter: 2,
    summary: 'Cisco explained Webex security architecture, including an end-to-end encryption option, and its privacy data sheets.',
    publicSummary: ['Cisco’s response explains how Webex is built to protect meetings and points to published privacy data sheets. The authorities welcome that end-to-end encryption is offered, as an option users must turn on.', 'La réponse de Cisco explique la conception de Webex pour protéger les réunions et renvoie à des fiches de confidentialité publiées. Les autorités saluent l’offre d’un chiffrement de bout en bout, sous forme d’option que les utilisateurs doivent activer.'],
    observation: ['An end-to-end encrypted meeting was held and the handling of keys explained.', 'Une réunion chiffrée de bout en bout a été tenue et la gestion des clés expliquée.'],
    questions: ['Is end-to-end encryption available to free accounts?'],
    answers: ['It is being extended to all account types.'],
    topics: ['End-to-end encrypted meetings', 'Privacy data sheets'],
    result: 'validated',
    notes: 'End-to-end encrypted meeting demonstrated; key handling explained.',
    findings: {
      security: ['End-to-end encryption available; regular third-party testing.', 'Chiffrement de bout en bout disponible ; essais réguliers par des tiers.', 'Published vulnerability disclosure policy', 'Politique publique de divulgation des vulnérabilités'],
      'privacy-by-design': ['Privacy data sheets document each product’s processing.', 'Des fiches de confidentialité décrivent le traitement propre à chaque produit.', 'Per-product privacy data sheets', 'Fiches de confidentialité par produit'],
      'know-your-audience': ['Guidance for health-care and education customers.', 'Des conseils pour les clients des secteurs de la santé et de l’enseignement.', 'Sector-specific deployment guides', 'Guides de déploiement par secteur'],
      transparency: ['Clear descriptions of data retained and for how long.', 'Des descriptions claires des données conservées et de leur durée de conservation.', 'Retention periods stated per data category', 'Durées de conservation indiquées par catégorie de données'],
      'end-user-control': ['Hosts can lock meetings and remove participants.', 'Les hôtes peuvent verrouiller les réunions et en exclure des participants.', 'Meeting lock and participant removal', 'Verrouillage des réunions et exclusion de participants'],
    },
  },
  zoom: {
    respondsAfter: 3,
    summary: 'Zoom set out the changes of its 90-day security and privacy plan, including end-to-end encryption and meeting passcodes by default.',
    publicSummary: ['Zoom reported on the security and privacy plan it carried out over 90 days. The authorities note that end-to-end encryption is now available and that meetings are protected by a passcode by default.', 'Zoom a rendu compte du plan de sécurité et de protection de la vie privée qu’elle a mené sur 90 jours. Les autorités relèvent que le chiffrement de bout en bout est désormais offert et que les réunions sont protégées par défaut par un code d’accès.'],
    observation: ['The default meeting protections were validated; end-to-end encryption was still being rolled out at the time.', 'Les protections par défaut des réunions ont été validées ; le chiffrement de bout en bout était alors encore en cours de déploiement.'],
    questions: ['What happened to the attention-tracking feature?', 'How are waiting rooms enabled by default?'],
    answers: ['Attention tracking was removed in April 2020.', 'Waiting rooms and passcodes are on by default for all accounts.'],
    topics: ['Default meeting protections', 'End-to-end encryption roll-out'],
    result: 'partly-validated',
    notes: 'Defaults validated; end-to-end encryption still being rolled out at the time of the call.',
    findings: {
      security: ['Security improved markedly during 2020; end-to-end encryption rolled out.', 'La sécurité s’est nettement améliorée en 2020 ; le chiffrement de bout en bout a été déployé.', 'Passcodes and waiting rooms on by default', 'Codes d’accès et salles d’attente activés par défaut'],
      'privacy-by-design': ['Privacy-protective defaults adopted after public concerns.', 'Des paramètres par défaut protecteurs adoptés à la suite des préoccupations du public.', 'Privacy review of new features', 'Examen des nouvelles fonctions sous l’angle de la vie privée'],
      'know-your-audience': ['Specific protections for schools using the service.', 'Des protections propres aux écoles qui utilisent le service.', 'Education account defaults', 'Paramètres par défaut des comptes d’enseignement'],
      transparency: ['Privacy policy rewritten in plainer language.', 'Politique de confidentialité réécrite en langage plus clair.', 'Plain-language privacy policy', 'Politique de confidentialité en langage clair'],
      'end-user-control': ['Attention tracking removed; hosts control recording.', 'Suivi de l’attention supprimé ; les hôtes contrôlent l’enregistrement.', 'Removal of attention tracking', 'Suppression du suivi de l’attention'],
    },
  },
  google: {
    respondsAfter: 4,
    summary: 'Google described the protections of Meet, including encryption in transit and the absence of attention tracking or advertising use of meeting data.',
    publicSummary: ['According to Google’s response, Meet encrypts data in transit and meeting data is not used for advertising. The authorities take note of this commitment and of the absence of attention tracking.', 'Selon la réponse de Google, Meet chiffre les données en transit et les données des réunions ne servent pas à la publicité. Les autorités prennent acte de cet engagement et de l’absence de suivi de l’attention.'],
    observation: ['Host controls and the commitments on the use of data were demonstrated.', 'Les commandes des hôtes et les engagements sur l’utilisation des données ont été démontrés.'],
    questions: ['Is meeting content used for advertising?'],
    answers: ['No: Meet data is not used for advertising.'],
    topics: ['Encryption in transit', 'Host controls in Meet'],
    result: 'validated',
    notes: 'Host controls and data-use commitments demonstrated.',
    findings: {
      security: ['Encryption in transit and at rest; security keys for administrators.', 'Chiffrement en transit et au repos ; clés de sécurité pour les administrateurs.', 'Anti-abuse protections for meetings', 'Protections des réunions contre les abus'],
      'privacy-by-design': ['Meeting data is not used for advertising.', 'Les données des réunions ne servent pas à la publicité.', 'No advertising use of meeting data', 'Aucune utilisation publicitaire des données des réunions'],
      'know-your-audience': ['Education editions restrict external participants by default.', 'Les éditions pour l’enseignement limitent par défaut les participants externes.', 'Restricted external access for schools', 'Accès externe restreint pour les écoles'],
      transparency: ['Commitments summarised on a dedicated privacy page.', 'Engagements résumés sur une page consacrée à la vie privée.', 'Dedicated privacy commitments page', 'Page consacrée aux engagements en matière de vie privée'],
      'end-user-control': ['Hosts mute, remove and admit participants.', 'Les hôtes coupent le micro des participants, les excluent et les admettent.', 'Host management controls', 'Commandes de gestion réservées aux hôtes'],
    },
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the scripted campaign needs: a client on a server whose worker runs Dossier, and its mail sink. */
export interface DemoDeps {
  client: Client;
  taskQueue: string;
  address: string;
  sink: MailSeen;
  say?: (line: string) => void;
  /** Companies answer by email (read by a running intake); without it the officer records responses. */
  vendorMail?: VendorMail;
  /**
   * The shared store's published files, where the campaign claims its folder as any campaign does:
   * a campaign file naming the demo's folder later is refused instead of writing over its statement.
   */
  files?: () => PublishedFiles;
}

/**
 * Plays the July 2020 campaign as its case officers and authorities would, through the typed client
 * APIs, and returns once the statement is published. Used by `npm run demo` and by the script that
 * records the histories replayed in CI.
 */
export async function playDemoCampaign({ client, taskQueue, address, sink, say = () => {}, vendorMail, files }: DemoDeps): Promise<{ input: CampaignInput; result: CampaignResult }> {
  const campaigns = new CampaignClient(client, { taskQueue, address, files });
  const engagements = new DossierClient(client, { taskQueue, address });
    const input = demoCampaign();
    const id = input.campaign.id;
    const onMail = (mail: ReceivedMail) => say(`✉  ${describeMail(mail)}`);
    sink.on('message', onMail);

    await campaigns.start(input);
    say(`Campaign ${id} started: ${input.vendors.length} companies, ${input.campaign.authorities.length} authorities`);
    const stopWatching = watch(campaigns, id, say);
    const conclusions = campaigns.setConclusions(id, {
      by: LEAD,
      conclusions: {
        en: [
          'The four companies that responded have put in place a range of privacy and security measures, and improved them during the pandemic.',
          'Houseparty did not respond to the open letter despite reminders and a final notice; the signatories urge it to engage with them.',
        ],
        fr: [
          'Les quatre entreprises qui ont répondu ont mis en place un ensemble de mesures de sécurité et de protection de la vie privée, et les ont renforcées pendant la pandémie.',
          'Houseparty n’a pas répondu à la lettre ouverte malgré des rappels et un dernier avis\u202f; les signataires l’invitent vivement à communiquer avec eux.',
        ],
      },
      lessonsLearned: {
        en: ['Demonstrations of how measures are achieved, monitored and validated give far more assurance than written answers alone.'],
        fr: ['Les démonstrations de la façon dont les mesures sont appliquées, surveillées et validées rassurent bien davantage que les seules réponses écrites.'],
      },
    });
    void conclusions.then(() => say('Lead: conclusions and lessons learned entered (English and French)'));

    const mailSystems = vendorMail ? playMailSystems(vendorMail, input, say) : Promise.resolve();
    // The officers' daily digest, as its Schedule would send it tomorrow morning: started now, once
    // every letter is out and each engagement has a deadline this week. The Schedule mails each officer
    // at the digest's hour on their clock; started by hand, with no hour, it mails every officer at once.
    const digest = (async () => {
      await waitFor(
        () => engagements.findEngagements({ campaign: id, running: true }),
        (found) => found.length === input.vendors.length && found.every((e) => e.nextDeadline !== undefined && e.stage !== 'sending-letter'),
      );
      await ensureOfficerDigestSchedule(client, { taskQueue });
      await client.workflow.start('officerDigest', { taskQueue, workflowId: `${OFFICER_DIGEST_SCHEDULE_ID}-${id}`, args: [{}] });
      say(`Officer digest: started now rather than at its hour; ${input.campaign.officers?.map((o) => o.name).join(' and ')} each get what is due this week, in their language`);
    })();
    await Promise.all([
      digest,
      conclusions,
      mailSystems,
      ...Object.entries(SCRIPTS).map(([vendorId, script]) => playVendor(engagements, campaigns, id, vendorId, script, say, vendorMail && { mail: vendorMail, from: input.vendors.find((v) => v.id === vendorId)!.contacts[0].email })),
    ]);

    const drafted = await waitFor(() => campaigns.status(id), (s) => s.phase === 'approving' && s.draft !== undefined);
    const version = drafted.draft!.version;
    const authorities = input.campaign.authorities;
    await sink.waitFor(authorities.length, (m) => (m.messageId ?? '').startsWith(`<approval-request-v${version}-`), 60_000);
    // Five approve at once; Hong Kong's office takes longer and gets an approval reminder first.
    for (const authority of authorities.filter((a) => a.id !== 'pcpd')) {
      await campaigns.approve(id, { by: authority.contact.name, authorityId: authority.id, version });
      say(`${authority.name.en}: approves draft version ${version}`);
      await sleep(300);
    }
    await sink.waitFor(1, (m) => (m.messageId ?? '').startsWith(`<approval-reminder-v${version}-1-pcpd.`), 60_000);
    const pcpd = authorities.find((a) => a.id === 'pcpd')!;
    await campaigns.approve(id, { by: pcpd.contact.name, authorityId: pcpd.id, version });
    say(`${pcpd.name.en}: approves draft version ${version}`);

    const result = await campaigns.result(id);
    await stopWatching();
    sink.off('message', onMail);
    return { input, result };
}

/** The campaign file as kept in the repository, with a fresh id for this run and demo durations. */
function demoCampaign(): CampaignInput {
  const input = loadCampaignFile(CAMPAIGN_FILE);
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const id = `${input.campaign.id}-${stamp.slice(0, 8)}-${stamp.slice(8)}`;
  return { ...input, campaign: { ...input.campaign, id }, policy: DEMO_POLICY, publication: { ...input.publication, folder: id } };
}

/** One responding company, as its case officer records it: response, follow-up, demonstration, findings. */
async function playVendor(
  engagements: DossierClient,
  campaigns: CampaignClient,
  campaignId: string,
  vendorId: string,
  script: Script,
  say: (line: string) => void,
  byEmail?: { mail: VendorMail; from: string },
): Promise<void> {
  const ref = { campaignId, vendorId };
  const status = await waitFor(() => engagements.status(ref).catch(() => undefined), (s) => s?.stage === 'awaiting-response');
  const name = status!.vendorName;
  await sleep(script.respondsAfter * 1000);
  if (byEmail) {
    const letter = await byEmail.mail.letter(campaignId, vendorId);
    const messageId = await byEmail.mail.reply(letter, byEmail.from, script.summary, `${vendorId}-response.pdf`);
    say(`${name}: replies to the letter by email, ${vendorId}-response.pdf attached`);
    await waitFor(() => engagements.status(ref), (s) => (s.inbox ?? []).some((m) => m.messageId === messageId && m.review === 'to-review'));
    say(`${name}: the intake recorded the reply (reply received, to review); reminders stop`);
    await engagements.confirmInbound(ref, { by: OFFICER, messageId, as: 'response' });
    say(`${name}: the officer confirms the reply as the response`);
  } else {
    await engagements.recordResponse(ref, { by: OFFICER, receivedAt: new Date().toISOString(), summary: script.summary, attachments: [`${vendorId}-response.pdf`] });
    say(`${name}: response recorded`);
  }
  const questions = await engagements.askFollowUp(ref, { by: OFFICER, questions: script.questions });
  say(`${name}: ${questions.length} follow-up question(s) asked`);
  await sleep(1500);
  await engagements.recordAnswers(ref, { by: OFFICER, answers: questions.map((q, i) => ({ questionId: q.id, answer: script.answers[i] })) });
  say(`${name}: answers recorded`);
  const demonstration = await engagements.scheduleDemonstration(ref, {
    by: OFFICER,
    at: new Date(Date.now() + 4000).toISOString(),
    durationMinutes: 60,
    attendees: [{ name: 'Eleanor Whitfield', email: 'international@ico.example' }],
    topics: script.topics,
  });
  say(`${name}: demonstration scheduled`);
  await sleep(Date.parse(demonstration.at) - Date.now() + 500);
  await engagements.recordDemonstrationOutcome(ref, { by: OFFICER, demonstrationId: demonstration.id, result: script.result, notes: script.notes });
  say(`${name}: demonstration ${script.result}`);
  const findings = Object.fromEntries(
    PRINCIPLES.map((p) => {
      const [en, fr, practiceEn, practiceFr] = script.findings[p];
      return [p, { assessment: { en, fr }, goodPractices: [{ en: practiceEn, fr: practiceFr }] }];
    }),
  ) as Findings;
  await engagements.conclude(ref, { by: OFFICER, findings });
  say(`${name}: concluded with findings on the five principles`);
  // The statement prints what the authorities write, never the response: the lead writes the public summary.
  const [summaryEn, summaryFr] = script.publicSummary;
  const [observationEn, observationFr] = script.observation;
  await campaigns.editStatement(campaignId, {
    by: OFFICER,
    vendors: { [vendorId]: { summary: { en: summaryEn, fr: summaryFr }, demonstrations: { [demonstration.id]: { en: observationEn, fr: observationFr } } } },
  });
  say(`${name}: public summary and demonstration observation written (English and French)`);
}

/** Houseparty's mail system answers the letter with an out-of-office; one of Zoom's addresses bounces. */
async function playMailSystems(mail: VendorMail, input: CampaignInput, say: (line: string) => void): Promise<void> {
  const id = input.campaign.id;
  const houseparty: Letter = await mail.letter(id, 'houseparty');
  await mail.outOfOffice(houseparty, input.vendors.find((v) => v.id === 'houseparty')!.contacts[0].email);
  say('Houseparty: an out-of-office answer arrives (recorded, no effect: reminders go on)');
  const zoom = input.vendors.find((v) => v.id === 'zoom')!;
  const bounced = zoom.contacts[zoom.contacts.length - 1].email;
  await mail.bounce(await mail.letter(id, 'zoom'), bounced);
  say(`Zoom: the letter bounces for ${bounced} (delivery failure recorded, the office is told)`);
}

/**
 * Prints what changes in the campaign: engagements ending, drafts, approvals, publication. Stopping
 * reads the status once more, so what happened between the last look and the campaign's end (its
 * publication above all) is printed too.
 */
function watch(campaigns: CampaignClient, id: string, say: (line: string) => void): () => Promise<void> {
  let stopped = false;
  const seen = new Set<string>();
  const note = (key: string, line: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    say(line);
  };
  const look = async () => {
    const s: CampaignStatus | undefined = await campaigns.status(id).catch(() => undefined);
    if (!s) return;
    for (const e of s.engagements) if (e.outcome) note(`end:${e.vendorId}`, `${e.vendorName}: engagement ended (${e.outcome.stage})`);
    if (s.draft) note(`draft:${s.draft.version}`, `Statement draft version ${s.draft.version} drafted; ${s.draft.required} approvals needed`);
    if (s.published) note('published', `Statement version ${s.published.version} approved by all and published`);
  };
  const watching = (async () => {
    while (!stopped) {
      await look();
      await sleep(400);
    }
  })();
  return async () => {
    stopped = true;
    await watching;
    await look();
  };
}

function describeMail(mail: ReceivedMail): string {
  const match = /^<([^@]+?)\.(engagement|campaign)\.([^@]+)@/.exec(mail.messageId ?? '');
  const step = match?.[1] ?? mail.messageId ?? '?';
  const thread = match?.[2] === 'engagement' ? (match[3].split('.').pop() ?? '') : 'campaign';
  return `${step.padEnd(36)} ${thread.padEnd(10)} → ${mail.to.join(', ')}`;
}

async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`the demo waited ${timeoutMs / 1000} s for a step that did not happen`);
    await sleep(250);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const say = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const embedded = await startEmbedded({ log: (line) => console.log(line) });
  const config = parseWorkerConfig(embedded.env);
  say('Bundling workflows and starting a worker…');
  const worker = await createDossierWorker(config);
  const workerDone = worker.run();
  const connection = await Connection.connect(config.temporal.connectionOptions);
  const stopIntake = new AbortController();
  let intakeDone: Promise<void> = Promise.resolve();
  // Its own sink, or the running `npm start`'s, seen through the .eml files that sink keeps.
  const watcher = embedded.sink ? undefined : new MailFolderWatcher(join(config.outputDir, 'mail'), Number(new URL(config.smtpUrl).port || 25)).start();
  const sink: MailSeen = embedded.sink ?? watcher!;
  const vendorMail = new VendorMail(sink);
  const store = openStore(storeSettingsFromEnv(embedded.env));
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: config.encryption?.dataConverter });
    const address = config.temporal.connectionOptions.address ?? '';
    // The intake, as `npm start` runs it, reading the Maildir the sink delivers the case mailbox into.
    const intakeConfig = parseIntakeConfig(embedded.env);
    const mailbox = mailboxFor(intakeConfig);
    await mailbox.open();
    const dossier = new DossierClient(client, { taskQueue: config.taskQueue, address });
    const intake = new Intake({
      mailbox,
      dossier,
      documents: new CaseDocuments(store.documents, config.encryption!.keystore),
      directory: new TemporalDirectory(dossier, new CampaignClient(client, { taskQueue: config.taskQueue, address })),
      domain: intakeConfig.domain,
      caseMailbox: intakeConfig.caseMailbox,
      authservId: intakeConfig.authservId,
      log: say,
    });
    intakeDone = intake.run(stopIntake.signal, 1000).finally(() => mailbox.close());
    const { input, result } = await playDemoCampaign({ client, taskQueue: config.taskQueue, address, sink, say, vendorMail, files: () => store.files });
    await sleep(500); // let the last notices reach the console
    const out = config.outputDir;
    const show = (path: string) => relative(process.cwd(), path) || path;
    const campaignDir = join(out, input.publication.folder);
    const letters = existsSync(join(campaignDir, 'letters')) ? readdirSync(join(campaignDir, 'letters')).sort() : [];
    const mails = sink.messages;
    console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s. Outputs:`);
    console.log(`  Statement, English   ${show(join(out, result.published.files.en))}`);
    console.log(`  Statement, French    ${show(join(out, result.published.files.fr))}`);
    console.log(`  Drafts reviewed      ${show(join(campaignDir, 'drafts'))}/`);
    console.log(`  Letters              ${show(join(campaignDir, 'letters'))}/ (${letters.join(', ')})`);
    console.log(`  Emails (.eml)        ${mails.length} messages in ${show(join(out, 'mail'))}/, e.g. ${show(mails[0]?.emlPath ?? '')}`);
    if (embedded.server) console.log(`  Workflow histories   ${embedded.server.uiUrl}/namespaces/${config.temporal.namespace}/workflows`);
  } finally {
    stopIntake.abort();
    await intakeDone;
    vendorMail.close();
    watcher?.stop();
    await store.close();
    worker.worker.shutdown();
    await workerDone;
    await connection.close();
    await embedded.stop();
  }
}


// Run as `npm run demo`; imported (by the history recorder) it only provides playDemoCampaign.
if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
