// A throwaway PostgreSQL server for tests and benchmarks: Debian's server binaries, a data folder in
// a temporary directory, loopback only on a free port, trust authentication for one superuser. As
// root the server must run as the `postgres` system user (it refuses root), so the folder is handed
// to that user and every command runs through `runuser`. Production points DATABASE_URL at a real one.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './ports';

export interface PostgresServerOptions {
  /** Server binaries (initdb, pg_ctl); found with `pg_config --bindir` or under /usr/lib/postgresql when omitted. */
  binDir?: string;
  port?: number;
  /** The superuser tests connect as. */
  user?: string;
}

export interface PostgresServer {
  /** `postgres://user@127.0.0.1:port/postgres`: the maintenance database, for CREATE DATABASE. */
  url: string;
  port: number;
  /** A fresh, empty database on this server; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and keeps its data, as an outage or a restart would; `start()` brings it back. */
  halt(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function findPostgresBinDir(): string {
  const fromEnv = process.env.POSTGRES_BIN_DIR;
  if (fromEnv) return fromEnv;
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (existsSync(join(dir, 'pg_ctl'))) return dir;
  } catch {
    // pg_config may come from libpq-dev alone, or be missing: look where Debian installs servers.
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions.length) {
    throw new Error('PostgreSQL server binaries not found: install Debian\'s `postgresql` (scripts/install-system-packages.sh) or set POSTGRES_BIN_DIR');
  }
  return join(root, versions[0], 'bin');
}

export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binDir = options.binDir ?? findPostgresBinDir();
  const user = options.user ?? 'dossier';
  const port = options.port ?? (await freePort());
  const folder = mkdtempSync(join(tmpdir(), 'dossier-pg-'));
  const dataDir = join(folder, 'data');
  const logFile = join(folder, 'server.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(folder, uid, gid);
  }
  const run = (command: string, args: string[]) => {
    const [file, fullArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(binDir, command), ...args]] : [join(binDir, command), args];
    return runQuietly(file, fullArgs);
  };
  // Durability is pointless for a server that lives as long as one test run; fsync off saves seconds.
  const serverOptions = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () => run('pg_ctl', ['-D', dataDir, '-o', serverOptions, '-l', logFile, '-w', '-t', '60', 'start']);
  try {
    await run('initdb', ['-D', dataDir, '-A', 'trust', '-U', user, '-E', 'UTF8', '--no-sync', '--no-instructions']);
    await start();
  } catch (err) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}${log ? `\nPostgreSQL log:\n${log}` : ''}`);
  }
  const url = `postgres://${user}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    createDatabase: (name) => createDatabase(url, name),
    // A fast shutdown ends every session and writes what was committed, so the data is there on start.
    halt: () => run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']),
    start,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Tests leave no state worth a clean checkpoint: stop at once.
      await run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Creates an empty database on the server `maintenanceUrl` points at; returns the new database's URL. */
export async function createDatabase(maintenanceUrl: string, name = `dossier_${randomBytes(5).toString('hex')}`): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`"${name}" is not a plain database name`);
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function runQuietly(file: string, args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    // pg_ctl's server keeps inherited pipes open for its whole life: send its output nowhere.
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-3000)));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolveRun() : reject(new Error(`${file} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}
