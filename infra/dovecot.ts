// A real IMAP server for tests and benchmarks: Debian's Dovecot, run in the foreground as a child
// process on a free loopback port, with its configuration, logs and Maildirs in a temporary folder.
// Any user name logs in with the one password, and each gets a Maildir of its own, so test files
// share one server yet never see each other's mail.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

export interface DovecotOptions {
  /** A free one when omitted. */
  port?: number;
  /** The password every user logs in with. */
  password?: string;
  /** The `dovecot` binary (default: on PATH, else /usr/sbin/dovecot). */
  executable?: string;
  startTimeoutMs?: number;
}

export interface Dovecot {
  host: string;
  port: number;
  password: string;
  /** Where the Maildirs live: `<mailRoot>/<user>`. */
  mailRoot: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export class DovecotNotInstalledError extends Error {
  readonly code = 'DOVECOT_NOT_INSTALLED';
}

export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  const { password = 'dossier-test', startTimeoutMs = 20_000 } = options;
  const executable = options.executable ?? findDovecot();
  const port = options.port ?? (await freePort());
  const folder = mkdtempSync(join(tmpdir(), 'dossier-dovecot-'));
  const mailRoot = join(folder, 'mail');
  mkdirSync(mailRoot);
  // Dovecot refuses to deliver mail as root, so as root the Maildirs belong to its own user.
  const asRoot = process.getuid?.() === 0;
  const mailUser = asRoot ? 'dovecot' : userInfo().username;
  if (asRoot) {
    chmodSync(folder, 0o755);
    const { uid, gid } = systemUser('dovecot');
    chownSync(mailRoot, uid, gid);
  }
  const configPath = join(folder, 'dovecot.conf');
  writeFileSync(configPath, configuration({ folder, mailRoot, port, password, mailUser, asRoot }));

  const child = spawn(executable, ['-F', '-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killTimer);
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await waitForGreeting(port, startTimeoutMs, child);
  } catch (err) {
    const log = readLog(join(folder, 'dovecot.log'));
    await stop();
    throw new Error(`${(err as Error).message}\nDovecot output:\n${output}${log}`);
  }
  return { host: '127.0.0.1', port, password, mailRoot, process: child, stop };
}

function configuration(c: { folder: string; mailRoot: string; port: number; password: string; mailUser: string; asRoot: boolean }): string {
  return `
base_dir = ${c.folder}/run
log_path = ${c.folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:${c.mailRoot}/%u
${c.asRoot ? '' : `default_internal_user = ${c.mailUser}\ndefault_login_user = ${c.mailUser}\n`}
passdb {
  driver = static
  args = password=${c.password}
}
userdb {
  driver = static
  args = uid=${c.mailUser} gid=${c.asRoot ? 'dovecot' : c.mailUser} home=${c.mailRoot}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${c.port}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
`;
}

function findDovecot(): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/sbin')) {
    const candidate = join(dir, 'dovecot');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new DovecotNotInstalledError('Dovecot is not installed: run `apt-get install -y dovecot-imapd` (scripts/install-system-packages.sh does).');
}

function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new DovecotNotInstalledError(`The system user "${name}" is missing: reinstall dovecot-core.`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function readLog(path: string): string {
  try {
    return `\nDovecot log:\n${readFileSync(path, 'utf8').slice(-4000)}`;
  } catch {
    return '';
  }
}

/** Dovecot is ready once its login process greets a client with "* OK". */
async function waitForGreeting(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Dovecot exited (${child.exitCode ?? child.signalCode})`);
    const greeted = await new Promise<boolean>((resolveGreeting) => {
      const socket = connect(port, '127.0.0.1');
      const done = (ok: boolean) => {
        socket.destroy();
        resolveGreeting(ok);
      };
      socket.setTimeout(1_000, () => done(false));
      socket.once('data', (data) => done(data.toString().startsWith('* OK')));
      socket.once('error', () => done(false));
    });
    if (greeted) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Dovecot did not greet on 127.0.0.1:${port} within ${timeoutMs} ms`);
}
