// The running embedded set-up, written by `npm start` to `<data dir>/embedded.json` and removed when
// it stops, so the officer's CLI, `npm run worker` and `npm run demo` find the server, sink,
// folders and workspace it started (ports may come from DOSSIER_*_PORT) without the operator copying addresses.
// A file left behind by a process that died is ignored: its pid must be alive and its Temporal
// port must answer.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { dataDir } from './local-folders';

export interface EmbeddedProfile {
  pid: number;
  /** The Temporal dev server's pid: it runs in a process group of its own, which outlives a crashed `npm start`. */
  serverPid?: number;
  temporalAddress: string;
  namespace: string;
  smtpUrl?: string;
  uiUrl?: string;
  outputDir: string;
  stateDir: string;
  /** Absent in a profile an earlier version wrote. */
  keysDir?: string;
  masterKeysFile?: string;
  /**
   * The web workspace `npm start` serves (its DOSSIER_WEB_URL), which the emails a worker sends link
   * to; absent with `--no-worker` (no workspace) and in a profile an earlier version wrote.
   */
  workspaceUrl?: string;
}

export function profilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'embedded.json');
}

export function writeProfile(profile: EmbeddedProfile, env: NodeJS.ProcessEnv = process.env): string {
  const path = profilePath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(profile, null, 2)}\n`);
  return path;
}

/** Removes the profile only if it is this process's own (another set-up may have replaced it). */
export function removeProfile(pid: number, env: NodeJS.ProcessEnv = process.env): void {
  const found = readProfileFile(env);
  if (found?.pid === pid) rmSync(profilePath(env), { force: true });
}

function readProfileFile(env: NodeJS.ProcessEnv): EmbeddedProfile | undefined {
  const path = profilePath(env);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<EmbeddedProfile>;
    if (typeof parsed.pid !== 'number' || typeof parsed.temporalAddress !== 'string') return undefined;
    return parsed as EmbeddedProfile;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function answers(address: string, timeoutMs = 1_000): Promise<boolean> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * A dev server left running by an `npm start` that died without stopping it (a crash, a kill -9):
 * its process group is stopped, so its ports and its SQLite file are free for this start, and the
 * profile is removed. Only a process whose command line is the Temporal CLI's `server start-dev`
 * is stopped (a pid may have been reused); false when there was none.
 */
export async function stopOrphanedServer(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = () => undefined): Promise<boolean> {
  const profile = readProfileFile(env);
  if (!profile?.serverPid || isAlive(profile.pid) || !isAlive(profile.serverPid) || !isDevServer(profile.serverPid)) return false;
  log(`Stopping the Temporal dev server (pid ${profile.serverPid}) left running by an earlier \`npm start\` (pid ${profile.pid}) that stopped without it.`);
  signalGroup(profile.serverPid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isAlive(profile.serverPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(profile.serverPid)) signalGroup(profile.serverPid, 'SIGKILL');
  rmSync(profilePath(env), { force: true });
  return true;
}

/** The process's command line names the Temporal CLI's dev server (Linux; elsewhere nothing is stopped). */
function isDevServer(pid: number): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.includes('server') && args.includes('start-dev');
  } catch {
    return false;
  }
}

/** The process group `pid` leads (the dev server runs detached), else the process alone. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone meanwhile.
    }
  }
}

/** The embedded set-up running now, if any. */
export async function runningProfile(env: NodeJS.ProcessEnv = process.env): Promise<EmbeddedProfile | undefined> {
  const profile = readProfileFile(env);
  if (!profile || !isAlive(profile.pid) || !(await answers(profile.temporalAddress))) return undefined;
  return profile;
}

/**
 * `env` completed from the running embedded set-up when it names no server of its own
 * (TEMPORAL_ADDRESS, TEMPORAL_PROFILE or TEMPORAL_CONFIG_FILE); variables already set win.
 */
export async function withEmbeddedProfile(env: NodeJS.ProcessEnv = process.env): Promise<NodeJS.ProcessEnv> {
  if (env.TEMPORAL_ADDRESS || env.TEMPORAL_PROFILE || env.TEMPORAL_CONFIG_FILE) return env;
  const profile = await runningProfile(env);
  if (!profile) return env;
  const filled: NodeJS.ProcessEnv = { ...env, TEMPORAL_ADDRESS: profile.temporalAddress, TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE ?? profile.namespace };
  filled.DOSSIER_OUTPUT_DIR ??= profile.outputDir;
  filled.DOSSIER_STATE_DIR ??= profile.stateDir;
  if (profile.keysDir) filled.DOSSIER_KEYSTORE_DIR ??= profile.keysDir;
  if (!env.SMTP_URL && profile.smtpUrl) filled.SMTP_URL = profile.smtpUrl;
  if (!env.DOSSIER_MASTER_KEYS && !env.DOSSIER_MASTER_KEYS_FILE && profile.masterKeysFile) filled.DOSSIER_MASTER_KEYS_FILE = profile.masterKeysFile;
  // Without it, a worker started beside `npm start` sends approval requests with no link to answer them.
  if (profile.workspaceUrl) filled.DOSSIER_WEB_URL ??= profile.workspaceUrl;
  return filled;
}
