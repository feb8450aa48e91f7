// The CLI run in-process as a script would run it: what it printed on each stream and its exit code,
// an error turned into its message and code as `bin/dossier` turns it, and the session closed after.
import { vi } from 'vitest';
import { buildProgram, EXIT, explain } from '../../client/cli';
import type { Session } from '../../client/commands/context';

export async function runCli(session: Session, argv: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  let exitCode: number = EXIT.ok;
  try {
    await buildProgram(session).parseAsync(argv, { from: 'user' });
  } catch (err) {
    const failed = explain(err, session);
    stderr += `dossier: ${failed.message}\n`;
    exitCode = failed.exitCode;
  } finally {
    vi.restoreAllMocks();
    await session.close();
  }
  return { stdout, stderr, exitCode };
}
