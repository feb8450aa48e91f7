// On a cluster the workers are `npm run worker`, never `npm start`: they must create the officers'
// daily digest Schedule when it is missing, as `npm start` does, or no officer ever gets a digest.
// Two workers starting together both come up, and the one Schedule they leave runs on their queue.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OFFICER_DIGEST_SCHEDULE_ID } from '../../workflows/officer-digest';
import { PROJECT_ROOT } from '../../paths';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';

describe('npm run worker and the officer digest', () => {
  const env = useDossier();

  it('creates the digest Schedule when missing, once for two workers starting together', { timeout: 180_000 }, async () => {
    const schedule = env.client.schedule.getHandle(OFFICER_DIGEST_SCHEDULE_ID);
    // Another file's worker on this run's server may have made it: start from a namespace without it.
    await schedule.delete().catch(() => undefined);
    const taskQueue = `${env.taskQueue}-digest`;
    const workers: { child: ChildProcess; output: () => string }[] = [];
    try {
      for (const host of ['a', 'b']) {
        const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'worker', 'main.ts')], {
          cwd: PROJECT_ROOT,
          env: {
            ...env.childEnv,
            SMTP_URL: env.sink.url,
            DOSSIER_TASK_QUEUE: taskQueue,
            DOSSIER_STATE_DIR: join(env.scratch, `digest-${host}-state`),
            DOSSIER_OUTPUT_DIR: join(env.scratch, `digest-${host}-out`),
            DOSSIER_SHUTDOWN_GRACE_SECONDS: '1',
            DOSSIER_DIGEST_HOUR: '7',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-6000)));
        workers.push({ child, output: () => output });
      }
      for (const worker of workers) {
        await until(async () => worker.output(), (o) => o.includes("state: 'RUNNING'") || worker.child.exitCode !== null, 'the worker to poll', 120_000);
        expect(worker.child.exitCode, worker.output()).toBeNull();
      }
      const described = await until(() => schedule.describe().catch(() => undefined), (d) => d !== undefined, 'the digest Schedule', 10_000).catch(() => undefined);
      expect(described, `no Schedule ${OFFICER_DIGEST_SCHEDULE_ID} after two workers started:\n${workers.map((w) => w.output()).join('\n---\n')}`).toBeDefined();
      expect(described!.action.type).toBe('startWorkflow');
      expect(described!.action.workflowType).toBe('officerDigest');
      expect(described!.action.taskQueue).toBe(taskQueue);
      // Every hour, with the hour of the officers' day the deployment chose.
      expect(described!.spec.intervals?.map((i) => i.every)).toEqual([3_600_000]);
      expect(described!.action.type === 'startWorkflow' && described!.action.args).toEqual([{ localHour: 7 }]);
      const said = workers.map((w) => /Officer digest: .*/.exec(w.output())?.[0]).sort();
      expect(said).toEqual([
        `Officer digest: hourly, each officer at 07:00 on their clock (Schedule ${OFFICER_DIGEST_SCHEDULE_ID} already there)`,
        `Officer digest: hourly, each officer at 07:00 on their clock (Schedule ${OFFICER_DIGEST_SCHEDULE_ID} created)`,
      ]);
    } finally {
      for (const { child } of workers) child.kill('SIGTERM');
      await Promise.all(workers.map(({ child }) => (child.exitCode === null && child.signalCode === null ? new Promise((r) => child.once('exit', r)) : undefined)));
      await schedule.delete().catch(() => undefined);
    }
  });
});
