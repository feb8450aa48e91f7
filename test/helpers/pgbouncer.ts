// PgBouncer (Debian's) in front of a test PostgreSQL server, as platform teams run one for several
// hosts: loopback only on a free port, trust authentication, every database of the server reachable
// under its own name. In transaction pooling a client's statements outside a transaction may each run
// on a different server session, so whatever Dossier keeps in a session is lost or leaks to another.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../infra/ports';

export type PoolMode = 'session' | 'transaction' | 'statement';

export interface PgBouncerOptions {
  poolMode?: PoolMode;
  /**
   * Server sessions per database and user. Small, as in front of a busy server: clients then share
   * sessions, and one client's statements land on whichever session is free.
   */
  poolSize?: number;
  /**
   * How long a query waits for a server session before PgBouncer fails it, in seconds: its
   * query_wait_timeout (120 by default), here the 10 s the README recommends.
   */
  queryWaitTimeout?: number;
}

export interface PgBouncer {
  port: number;
  /** The same user and database as `databaseUrl`, reached through PgBouncer. */
  urlFor(databaseUrl: string): string;
  stop(): Promise<void>;
}

function findPgBouncer(): string {
  const candidates = [process.env.PGBOUNCER_BIN, '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].filter(Boolean) as string[];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error('pgbouncer not found: install Debian\'s `pgbouncer` (scripts/install-system-packages.sh) or set PGBOUNCER_BIN');
  return found;
}

/** Starts PgBouncer in front of the server `serverUrl` (any database URL on it names its host, port and user). */
export async function startPgBouncer(serverUrl: string, { poolMode = 'transaction', poolSize = 2, queryWaitTimeout = 10 }: PgBouncerOptions = {}): Promise<PgBouncer> {
  const server = new URL(serverUrl);
  const user = decodeURIComponent(server.username);
  const port = await freePort();
  const folder = mkdtempSync(join(tmpdir(), 'dossier-pgbouncer-'));
  const logFile = join(folder, 'pgbouncer.log');
  // PgBouncer refuses to run as root; started as root it changes to the user its `user` setting names.
  const asRoot = process.getuid?.() === 0;
  writeFileSync(join(folder, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    join(folder, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(folder, 'userlist.txt')}`,
      `pool_mode = ${poolMode}`,
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 500',
      `query_wait_timeout = ${queryWaitTimeout}`,
      // A stopped server is tried again every second, not every 15: the outage tests restart theirs in 2 s.
      'server_login_retry = 1',
      `logfile = ${logFile}`,
      ...(asRoot ? ['user = postgres'] : []),
      '',
    ].join('\n'),
  );
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(join(folder, file), id('-u'), id('-g'));
  }
  const child = spawn(findPgBouncer(), [join(folder, 'pgbouncer.ini')], { stdio: 'ignore' });
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '');
  try {
    await listening(child, port);
  } catch (err) {
    child.kill('SIGKILL');
    const tail = log();
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}${tail ? `\nPgBouncer log:\n${tail}` : ''}`);
  }
  let stopped = false;
  return {
    port,
    urlFor(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise((r) => child.once('exit', r));
      // SIGTERM: shut down at once, closing every client and server connection.
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function listening(child: ChildProcess, port: number): Promise<void> {
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = `pgbouncer exited (${code ?? signal}) before it listened on port ${port}`));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exit) throw new Error(exit);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    if (Date.now() > deadline) throw new Error(`pgbouncer did not listen on port ${port} within 10 s`);
    await sleep(50);
  }
}
