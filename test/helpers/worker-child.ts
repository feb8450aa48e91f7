// The production worker (worker/config.ts + worker/worker.ts, configured from the environment like
// `npm run worker`) in a process of its own, on the run's prebuilt workflow bundle so a restart
// takes a second, not a bundling. Argument: the bundle's path. Prints "worker running" once polling.
// TEST_WORKER_HOST, when set, is the host its identity names (`<pid>@<host>`), as if it ran there;
// TEST_OTHER_HOSTS_CHECK_MS how often, running on local files, it looks for other hosts' workers.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseWorkerConfig } from '../../worker/config';
import { createDossierWorker } from '../../worker/worker';

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const checkMs = Number(process.env.TEST_OTHER_HOSTS_CHECK_MS) || undefined;
  const config = { ...parseWorkerConfig(), ...(checkMs ? { otherHostsCheckMs: checkMs } : {}) };
  const host = process.env.TEST_WORKER_HOST;
  const { run } = await createDossierWorker(config, { workflowBundle: { codePath: process.argv[2] } }, host ? { identity: `${process.pid}@${host}` } : {});
  const running = run();
  process.stdout.write('worker running\n');
  await running;
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
