// One real Temporal dev server and one workflow bundle for the whole test run: starting a server
// per file is slow on two cores, and the SDK's bundler takes seconds. Test files connect through
// test/helpers/harness.ts with what is provided here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../infra/dev-server';
import { WORKFLOWS_PATH } from '../worker/worker';
import { quietLogger } from '../infra/quiet-logger';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const scratch = mkdtempSync(join(tmpdir(), 'dossier-test-'));
  const [server, bundle] = await Promise.all([
    startDevServer({ uiPort: false, logFile: join(scratch, 'temporal-server.log') }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger }),
  ]);
  const workflowBundlePath = join(scratch, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
  project.provide('workflowBundlePath', workflowBundlePath);
  return async () => {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
}
