// Workers on local files (no DATABASE_URL) on two hosts, one task queue: each host's delivery ledger
// sees only its own sends, so a send retried on one host after a crash on the other would go out
// twice. Two worker processes whose identities name different hosts, against the real dev server:
// the second refuses to start, naming both hosts and DATABASE_URL; a second worker of the same host
// starts, since it shares that host's ledger. A worker of another host that does not look (on
// PostgreSQL) joining later stops the one on local files while it runs.
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { temporal } from '@temporalio/proto';
import { describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../infra/postgres';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

describe('workers on local files on two hosts', () => {
  const env = useDossier();

  const hostEnv = (taskQueue: string, host: string, folder = host): NodeJS.ProcessEnv => {
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
  /** Until the server lists a worker of `host` among the queue's pollers, as it does one that has run for a while. */
  const listed = (taskQueue: string, host: string) =>
    until(
      () =>
        env.client.workflowService.describeTaskQueue({
          namespace: env.client.options.namespace,
          taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        }),
      ({ pollers }) => Boolean(pollers?.some((poller) => poller.identity?.endsWith(`@${host}`))),
      `${host}'s worker among the task queue's pollers`,
    );

  it('refuses to start a worker on local files where a worker of another host polls its task queue, naming both hosts and DATABASE_URL', { timeout: 180_000 }, async () => {
    const taskQueue = `${env.taskQueue}-hosts`;
    const running: WorkerProcess[] = [];
    try {
      running.push(await startWorkerProcess(hostEnv(taskQueue, 'host-a.example')));
      await listed(taskQueue, 'host-a.example');
      const refused = await startWorkerProcess(hostEnv(taskQueue, 'host-b.example')).then(
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
      running.push(await startWorkerProcess(hostEnv(taskQueue, 'host-a.example')));
    } finally {
      for (const worker of running) await worker.stop();
    }
  });

  it('stops a running worker on local files once a worker of another host polls its task queue', { timeout: 180_000 }, async () => {
    const taskQueue = `${env.taskQueue}-joined`;
    const running: WorkerProcess[] = [];
    try {
      const local = await startWorkerProcess({ ...hostEnv(taskQueue, 'host-a.example'), TEST_OTHER_HOSTS_CHECK_MS: '500' });
      running.push(local);
      const exited = once(local.child, 'exit');
      // On PostgreSQL it does not look for other hosts, so it starts beside host-a's worker.
      running.push(await startWorkerProcess({ ...hostEnv(taskQueue, 'host-b.example'), DATABASE_URL: await createDatabase(inject('postgresUrl')) }));
      // It looks every half second here; a minute is ample for the look and the shutdown.
      const [code] = await Promise.race([exited, sleep(60_000).then(() => ['still running a minute after host-b joined'])]);
      expect(code, local.output()).toBe(1);
      expect(local.output()).toContain('Stopping: DATABASE_URL: this worker on host-a.example keeps its delivery ledger in local files');
      expect(local.output()).toMatch(/but workers on host-b\.example \(worker \d+@host-b\.example\) poll the same task queue/);
    } finally {
      for (const worker of running) await worker.stop();
    }
  });
});
