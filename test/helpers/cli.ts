// Runs the `dossier` command as a case officer would, in a process of its own, against the test
// server and keys of a file's `useDossier()` environment.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../paths';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The officer's name comes from configuration (DOSSIER_OFFICER), as on an officer's desk. The
 * locale is `locale` (LC_ALL, which the CLI's language follows), else a neutral one: a test reads
 * the CLI's English whatever the locale of the machine running it.
 */
export function runDossier(env: NodeJS.ProcessEnv, officer: string, args: string[], { locale = 'C.UTF-8' }: { locale?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'dossier.js'), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...env, LC_ALL: locale, DOSSIER_OFFICER: officer },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
