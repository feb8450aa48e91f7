// Who an action is recorded as, in timelines, approvals and the audit export. Two front ends act
// for people: the web workspace, for a user the identity provider signed in, and the CLI, for the
// account that runs it, named by configuration (DOSSIER_OFFICER, else the login). Each record says
// which: a name typed into the CLI can never pass for a signed-in identity. The intake acts for
// nobody: it records mail under an identity of its own, naming the mailbox it reads and its host.
import { hostname, userInfo } from 'node:os';

export type ActorKind = 'signed-in' | 'cli' | 'intake' | 'other';

/** `Léa Tremblay (lea, signed in)`: the provider's name and subject. */
export function signedInActor(name: string, subject: string): string {
  return `${name} (${subject}, signed in)`;
}

/** `Marie Leclerc (marie@desk-12, CLI)`: the configured name and the account the CLI ran under. */
export function cliActor(name: string, account: string): string {
  return `${name} (${account}, CLI)`;
}

/** The intake's name when DOSSIER_INTAKE_NAME gives none. */
export const DEFAULT_INTAKE_NAME = 'Dossier intake';

/** `Dossier intake (case@regulator.example on mx-2, intake)`: the intake's name, the case mailbox it reads and its host. */
export function intakeActor(name: string, mailbox: string, host: string = hostname()): string {
  return `${name} (${mailbox} on ${host}, intake)`;
}

/** An identity `intakeActor` wrote, read back; undefined for any other. */
export function readIntakeActor(by: string): { name: string; mailbox: string; host: string } | undefined {
  const m = /^(.*) \((\S+) on ([^()\s]+), intake\)$/.exec(by);
  return m ? { name: m[1]!, mailbox: m[2]!, host: m[3]! } : undefined;
}

/** How a recorded `by` was established (actions recorded before these marks read `other`). */
export function actorKind(by: string): ActorKind {
  if (/ \([^()]*, signed in\)$/.test(by)) return 'signed-in';
  if (/ \([^()]*, CLI\)$/.test(by)) return 'cli';
  if (readIntakeActor(by)) return 'intake';
  return 'other';
}

/** The operating-system account the CLI runs under, `login@host`. */
export function cliAccount(): string {
  let login = '';
  try {
    login = userInfo().username;
  } catch {
    login = process.env.USER ?? process.env.LOGNAME ?? '';
  }
  return `${login || 'unknown'}@${hostname()}`;
}
