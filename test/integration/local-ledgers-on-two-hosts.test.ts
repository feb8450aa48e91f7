// Workers on local files (no DATABASE_URL) on two hosts, one task queue: each host's delivery ledger
// sees only its own sends, so a send retried on one host after a crash on the other would go out
// twice. Two worker processes whose identities name different hosts, against the real dev server:
// the second refuses to start, naming both hosts and DATABASE_URL; a second worker of the same host
// starts, since it shares that host's ledger.
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

describe('workers on local files on two hosts', () => {
  const env = useDossier();

  it('refuses to start a worker on local files where a worker of another host polls its task queue, naming both hosts and DATABASE_URL', { timeout: 180_000 }, async () => {
    const taskQueue = `${env.taskQueue}-hosts`;
    const hostEnv = (host: string, folder = host): NodeJS.ProcessEnv => {
      const { DATABASE_URL: _url, DATABASE_URL_FILE: _file, ...rest } = env.childEnv;
      return {
        ...rest,
        SMTP_URL: env.sink.url,
        DOSSIER_TASK_QUEUE: taskQueue,
        DOSSIER_STATE_DIR: join(env.scratch, folder, 'state'),
        DOSSIER_OUTPUT_DIR: join(env.scratch, folder, 'out'),
        DOSSIER_SHUTDOWN_GRACE_SECONDS: '1',
        TEST_WORKER_HOST: host,
      };
    };
    const running: WorkerProcess[] = [];
    try {
      running.push(await startWorkerProcess(hostEnv('host-a.example')));
      // Listed by the server before the second host starts, as a worker that has run for a while is.
      await until(
        () =>
          env.client.workflowService.describeTaskQueue({
            namespace: env.client.options.namespace,
            taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
            taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
          }),
        ({ pollers }) => Boolean(pollers?.some((poller) => poller.identity?.endsWith('@host-a.example'))),
        "host-a's worker among the task queue's pollers",
      );
      const refused = await startWorkerProcess(hostEnv('host-b.example')).then(
        (worker) => {
          running.push(worker);
          return 'started';
        },
        (err: Error) => err.message,
      );
      expect(refused).toMatch(/^worker exited \(1\) before running/);
      expect(refused).toContain(`DATABASE_URL: this worker on host-b.example keeps its delivery ledger in local files`);
      expect(refused).toMatch(new RegExp(`but workers on host-a\\.example \\(worker \\d+@host-a\\.example\\) poll the same task queue "${taskQueue}"`));
      // Another worker of the first host shares its ledger (the same DOSSIER_STATE_DIR): it starts.
      running.push(await startWorkerProcess(hostEnv('host-a.example')));
    } finally {
      for (const worker of running) await worker.stop();
    }
  });
});
