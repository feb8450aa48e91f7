// What every measurement runs on: a dev server of the bench's own (free ports, SQLite in a temp
// folder), the mail sink, the workflow bundle of bench/workflows, clients with and without payload
// encryption, and a description of the machine for the report.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadEncryption } from '../../encryption/config';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { startDevServer, type DevServer } from '../../infra/dev-server';
import { MailSink } from '../../infra/mail-sink';
import { resolveTemporalCli } from '../../infra/temporal-cli';
import type { BenchWorkerSettings } from './worker-child';
import { startBenchWorker, type BenchWorker } from './worker-process';
import { quietLogger } from '../../infra/quiet-logger';

export interface Bench {
  scratch: string;
  server: DevServer;
  sink: MailSink;
  bundlePath: string;
  client: Client;
  encryptedClient: Client;
  /** Environment holding the encryption keys, for an encrypted worker. */
  keysEnv: NodeJS.ProcessEnv;
  /** Starts a bench worker on its own task queue; the caller stops it. */
  startWorker(options: {
    taskQueue: string;
    encrypted?: boolean;
    cpuProfileDir?: string;
    workerOptions?: Record<string, unknown>;
    smtpPoolSize?: number;
  }): Promise<BenchWorker>;
  close(): Promise<void>;
}

export interface BenchSetupOptions {
  /** `file`: a SQLite file in the scratch folder, as `npm start` runs; `memory`: in-memory SQLite, for comparison. */
  serverDb: 'file' | 'rollback' | 'memory';
  /** `full`: Dossier's workflows and the floor (bench/workflows/index.ts); `engagement`: engagement-only.ts. */
  bundle: 'full' | 'engagement';
}

export async function startBench(log: (line: string) => void, { serverDb, bundle: entry }: BenchSetupOptions = { serverDb: 'file', bundle: 'full' }): Promise<Bench> {
  const scratch = mkdtempSync(join(os.tmpdir(), 'dossier-bench-'));
  log(`scratch folder ${scratch}`);
  const [server, bundle, sink] = await Promise.all([
    startDevServer({
      dbFilename: serverDb === 'memory' ? undefined : join(scratch, 'temporal.sqlite'),
      journal: serverDb === 'rollback' ? 'rollback' : 'wal',
      uiPort: false,
      logFile: join(scratch, 'temporal-server.log'),
    }),
    bundleWorkflowCode({
      workflowsPath: join(__dirname, '..', 'workflows', entry === 'full' ? 'index.ts' : 'engagement-only.ts'),
      logger: quietLogger,
    }),
    new MailSink().start(),
  ]);
  const bundlePath = join(scratch, 'bench-workflows.js');
  writeFileSync(bundlePath, bundle.code);
  log(`workflow bundle ${entry}: ${Math.round(bundle.code.length / 1024)} KiB`);
  log(`dev server ${server.address} (pid ${server.process.pid}, ${{ file: 'SQLite file, write-ahead log', rollback: 'SQLite file, rollback journal', memory: 'in-memory SQLite' }[serverDb]}), mail sink ${sink.url}`);
  const keysEnv = { DOSSIER_MASTER_KEYS: generateMasterKeySpec('bench1'), DOSSIER_KEYSTORE_DIR: join(scratch, 'keys') };
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const encryptedClient = new Client({ connection, namespace: server.namespace, dataConverter: loadEncryption(keysEnv).dataConverter });
  return {
    scratch,
    server,
    sink,
    bundlePath,
    client,
    encryptedClient,
    keysEnv,
    startWorker({ taskQueue, encrypted = false, cpuProfileDir, workerOptions, smtpPoolSize }) {
      const settings: BenchWorkerSettings = {
        address: server.address,
        namespace: server.namespace,
        taskQueue,
        bundlePath,
        smtpUrl: sink.url,
        mailFrom: 'Dossier Bench <dossier@bench.example>',
        outputDir: join(scratch, taskQueue, 'out'),
        stateDir: join(scratch, taskQueue, 'state'),
        encrypted,
        workerOptions,
        smtpPoolSize,
      };
      return startBenchWorker(settings, { env: encrypted ? keysEnv : {}, cpuProfileDir });
    },
    async close() {
      await connection.close();
      await sink.stop();
      await server.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  temporalCli: string;
  platform: string;
  loadAverage: number[];
  /** Other processes' test runs seen at start (the machine is shared). */
  vitestRunning: boolean;
}

export function machineInfo(): MachineInfo {
  let temporalCli = 'unknown';
  try {
    temporalCli = execFileSync(resolveTemporalCli(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as unknown
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    temporalCli,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    vitestRunning: vitestRunning(),
  };
}

/** True when another vitest run is going on (other people's tests share this machine's cores). */
export function vitestRunning(): boolean {
  try {
    return execFileSync('pgrep', ['-f', 'vitest'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

/** Total CPU time (user + system) of a process so far, in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  return statCpu(`/proc/${pid}/stat`);
}

/** CPU seconds of a process's threads, summed by thread name (the JS thread is `node`, workflow threads too). */
export function threadCpu(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const label = tid === String(pid) ? `${name} (main)` : name;
      byName.set(label, (byName.get(label) ?? 0) + statCpu(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

function statCpu(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
  // After the command name: state is field 3, utime 14 and stime 15 (1-based, see proc(5)); ticks of 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
