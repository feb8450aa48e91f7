// An `npm start` killed outright leaves its Temporal dev server running in a process group of its
// own; the next start stops it (and only it) instead of failing on a port nobody can free.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { profilePath, stopOrphanedServer, writeProfile } from '../../config/embedded-profile';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** A detached process whose command line reads like the CLI's dev server, or like something else. */
function lookalike(args: string[]): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { detached: true, stdio: 'ignore' });
  child.unref();
  started.push(child.pid!);
  return child.pid!;
}

/** The pid of a process that has exited: the `npm start` that died. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('a dev server left running by an npm start that died', () => {
  it('is stopped, with its profile, so the next start finds its ports free', async () => {
    const env = { DOSSIER_DATA_DIR: mkdtempSync(join(tmpdir(), 'orphan-')) };
    const serverPid = lookalike(['server', 'start-dev', '--port', '1']);
    writeProfile({ pid: deadPid(), serverPid, temporalAddress: '127.0.0.1:1', namespace: 'default', outputDir: 'out', stateDir: 'state' }, env);
    const said: string[] = [];
    expect(await stopOrphanedServer(env, (line) => said.push(line))).toBe(true);
    expect(alive(serverPid)).toBe(false);
    expect(existsSync(profilePath(env))).toBe(false);
    expect(said.join('\n')).toContain(`pid ${serverPid}`);
  });

  it('is left alone while the npm start that runs it lives, and nothing else is ever stopped', async () => {
    const env = { DOSSIER_DATA_DIR: mkdtempSync(join(tmpdir(), 'orphan-')) };
    const serverPid = lookalike(['server', 'start-dev']);
    writeProfile({ pid: process.pid, serverPid, temporalAddress: '127.0.0.1:1', namespace: 'default', outputDir: 'out', stateDir: 'state' }, env);
    expect(await stopOrphanedServer(env)).toBe(false);
    expect(alive(serverPid)).toBe(true);

    // The pid recorded now belongs to another program: not the dev server, so not stopped.
    const other = lookalike(['something', 'else']);
    writeProfile({ pid: deadPid(), serverPid: other, temporalAddress: '127.0.0.1:1', namespace: 'default', outputDir: 'out', stateDir: 'state' }, env);
    expect(await stopOrphanedServer(env)).toBe(false);
    expect(alive(other)).toBe(true);
  });
});
