// The operator's side of `npm start`, run as the operator runs it: the embedded set-up started
// without a worker (`npm start -- --no-worker`) on ports of the test's choosing, then found by the
// CLI and by a worker started alone (`npm run worker`) with no address given, and reused (not
// clashed with) by a second process such as the demo. Each is a real process on real ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { startEmbedded } from '../../infra/embedded';
import { freePort } from '../../infra/ports';
import { PROJECT_ROOT } from '../../paths';
import { runDossier } from '../helpers/cli';

interface Started {
  child: ChildProcess;
  output: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

function startScript(script: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, script), ...args], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    async waitFor(pattern, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null) throw new Error(`${script} exited (${child.exitCode}) before printing ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`${script} did not print ${pattern} within ${timeoutMs} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      return output;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

describe('npm start for an operator', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'dossier-embedded-'));
  const dataDir = join(scratch, 'data');
  const outputDir = join(scratch, 'out');
  const masterKeys = generateMasterKeySpec('e1');
  const ports: Record<string, string> = {};
  let infra: Started | undefined;
  let worker: Started | undefined;
  // What the operator's shell holds: no server address, no relay; only where the data lives.
  const shell = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...ports, DOSSIER_DATA_DIR: dataDir, DOSSIER_MASTER_KEYS: masterKeys };
    for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'SMTP_URL', 'DOSSIER_TASK_QUEUE', 'DOSSIER_OUTPUT_DIR', 'DOSSIER_STATE_DIR', 'DOSSIER_KEYSTORE_DIR', 'DOSSIER_MAILDIR']) delete env[name];
    return env;
  };

  beforeAll(async () => {
    for (const name of ['DOSSIER_DEV_SERVER_PORT', 'DOSSIER_UI_PORT', 'DOSSIER_CODEC_PORT', 'DOSSIER_SINK_PORT']) ports[name] = String(await freePort());
    infra = startScript('worker/start.ts', ['--no-worker'], { ...shell(), DOSSIER_OUTPUT_DIR: outputDir });
    await infra.waitFor(/Ready, without a worker/);
  });

  afterAll(async () => {
    await worker?.stop();
    await infra?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('prints the exact address the CLI should use', () => {
    expect(infra!.output()).toContain(`export TEMPORAL_ADDRESS=127.0.0.1:${ports.DOSSIER_DEV_SERVER_PORT}`);
  });

  it('is found by the CLI and by a worker started alone, with no address given', { timeout: 180_000 }, async () => {
    worker = startScript('worker/main.ts', [], shell());
    await worker.waitFor(/Dossier worker: /);
    expect(worker.output()).toContain(`127.0.0.1:${ports.DOSSIER_DEV_SERVER_PORT}`);

    const fixture = join(PROJECT_ROOT, 'test', 'fixtures', 'cli', 'campaign.yaml');
    const started = await runDossier(shell(), 'Operator', ['engagement', 'start', '--campaign-file', fixture, '--vendor', 'zoom']);
    expect(started.code, started.stderr).toBe(0);
    // The worker that was started alone runs the engagement: its letter reaches the sink.
    const deadline = Date.now() + 90_000;
    let shown = await runDossier(shell(), 'Operator', ['--json', 'engagement', 'show', 'cli-test', 'zoom']);
    while ((shown.code !== 0 || !shown.stdout.includes('"awaiting-response"')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      shown = await runDossier(shell(), 'Operator', ['--json', 'engagement', 'show', 'cli-test', 'zoom']);
    }
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('"awaiting-response"');
    expect(readdirSync(join(outputDir, 'mail')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    // Its keys, ledger and case mailbox are in the data folder the shell named, not the project's .data/.
    expect(readdirSync(join(dataDir, 'keys'))).toContain('campaign-cli-test.json');
    expect(readdirSync(join(dataDir, 'state', 'deliveries')).some((f) => f.endsWith('.json'))).toBe(true);
    expect(infra!.output()).toContain(`delivered to ${join(dataDir, 'mailbox')}`);
  });

  it('is reused by a second process (the demo) instead of failing on a taken port', async () => {
    const lines: string[] = [];
    const second = await startEmbedded({ env: shell(), log: (line) => lines.push(line) });
    try {
      expect(second.reusedFrom).toBe(infra!.child.pid);
      expect(second.env.TEMPORAL_ADDRESS).toBe(`127.0.0.1:${ports.DOSSIER_DEV_SERVER_PORT}`);
      expect(second.env.SMTP_URL).toBe(`smtp://127.0.0.1:${ports.DOSSIER_SINK_PORT}`);
    } finally {
      await second.stop();
    }
  });

  it('runs the demo beside it, through its server and sink, as README says', { timeout: 240_000 }, async () => {
    const demo = startScript('scripts/demo.ts', [], shell());
    try {
      const output = await demo.waitFor(/Done in \d+ s\. Outputs:/, 200_000);
      expect(output).toContain('Using the embedded set-up already running');
      // The companies' replies went through the running sink, and their mail is listed from its files.
      expect(output).toMatch(/Emails \(\.eml\) +\d+ messages in /);
      expect(output).toContain('Statement version 1 approved by all and published');

      // It claims its folder as any campaign does: a campaign file naming that folder later is
      // refused, where it would have written over the demo's statement.
      const demoFolder = resolve(PROJECT_ROOT, /Letters +(.+)\/letters\//.exec(output)![1]!);
      const demoId = basename(demoFolder);
      expect(JSON.parse(readFileSync(join(demoFolder, 'campaign.json'), 'utf8'))).toMatchObject({ campaign: demoId });
      const fixture = readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'cli', 'campaign.yaml'), 'utf8');
      const after = join(scratch, 'after-the-demo.yaml');
      writeFileSync(after, `${fixture.replace(/^id: cli-test$/m, 'id: after-the-demo')}publication:\n  folder: ${demoId}\n`);
      const refused = await runDossier(shell(), 'Operator', ['campaign', 'start', '--file', after, '--no-wait']);
      expect(refused.code, refused.stderr).toBe(4);
      expect(refused.stderr).toBe(`dossier: the publication folder "${demoId}" belongs to campaign ${demoId}: give this campaign a folder of its own (publication.folder in its file)\n`);
    } finally {
      await demo.stop();
    }
  });

  it('names a taken port and the variable that moves it', async () => {
    const elsewhere = { ...shell(), DOSSIER_DATA_DIR: join(scratch, 'other-data') };
    await expect(startEmbedded({ env: elsewhere, outputDir: join(scratch, 'other-out'), log: () => undefined })).rejects.toThrow(
      new RegExp(`${ports.DOSSIER_CODEC_PORT} \\(codec server; set DOSSIER_CODEC_PORT to move it\\)`),
    );
  });
});
