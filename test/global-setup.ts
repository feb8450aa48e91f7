// One real Temporal dev server, one Dovecot, one PostgreSQL server and one workflow bundle for the
// whole test run: starting servers per file is slow on two cores, and the SDK's bundler takes
// seconds. Test files connect through test/helpers/harness.ts with what is provided here (each file
// that needs PostgreSQL creates a database of its own on the shared server).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../infra/dev-server';
import { startPostgres } from '../infra/postgres';
import { WORKFLOWS_PATH } from '../worker/worker';
import { FAILURE_CONVERTER_PATH } from '../encryption/config';
import { quietLogger } from '../infra/quiet-logger';
import { startDovecot } from '../infra/dovecot';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
    /** The run's IMAP server (Dovecot): any user name logs in with `password` and has its own Maildir. */
    imap: { host: string; port: number; password: string };
    /** The shared PostgreSQL server's maintenance database, for CREATE DATABASE. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // The CLI tests run `dossier` as an officer would: the compiled build, current with the sources.
  execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'build-cli.mjs')], { stdio: 'ignore' });
  const scratch = mkdtempSync(join(tmpdir(), 'dossier-test-'));
  const [server, bundle, dovecot, postgres] = await Promise.all([
    startDevServer({ uiPort: false, logFile: join(scratch, 'temporal-server.log') }),
    // With the workers' failure converter, as a worker that bundles its workflows itself gets it.
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietLogger }),
    startDovecot(),
    startPostgres(),
  ]);
  const workflowBundlePath = join(scratch, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('imap', { host: dovecot.host, port: dovecot.port, password: dovecot.password });
  project.provide('postgresUrl', postgres.url);
  return async () => {
    await dovecot.stop();
    await Promise.all([server.stop(), postgres.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  };
}
