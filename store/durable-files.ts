// Writes to local files that must outlive a power cut, not only a crash of this process: the data
// keys above all, since the Temporal dev server commits the histories encrypted under a new key with
// synchronous=full. Each file is flushed (fsync) before it is renamed or linked into place, and its
// folder after, so the name and the bytes reach the disk together; new folders are recorded in their
// parents the same way.
//
// The writes are asynchronous: a flush waits for the disk (about 5 ms for a file and its folder here),
// and done synchronously it would hold the worker's event loop, and every activity and poll on it,
// once per letter, document and sealed email (issue 16). Folders made once, at start, may block.
import { mkdirSync, openSync, closeSync, fsyncSync } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

/** Flushes a folder's entries (names created, renamed or removed in it). Not possible on Windows. */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The folders `mkdir -p` has just made, deepest first, up to the first one it made. */
function parentsToFlush(folder: string, first: string): string[] {
  const top = resolve(first);
  const parents: string[] = [];
  for (let made = resolve(folder); ; made = dirname(made)) {
    parents.push(dirname(made));
    if (made === top || dirname(made) === made) return parents;
  }
}

/** `mkdir -p` whose new folders survive a power cut: each one is flushed into its parent. */
export async function makeFolder(folder: string, mode: number): Promise<void> {
  const first = await mkdir(folder, { recursive: true, mode });
  if (!first) return;
  for (const parent of parentsToFlush(folder, first)) await syncFolder(parent);
}

/** `makeFolder` for a store opening, where blocking once is fine and a constructor cannot wait. */
export function makeFolderNow(folder: string, mode: number): void {
  const first = mkdirSync(folder, { recursive: true, mode });
  if (!first || process.platform === 'win32') return;
  for (const parent of parentsToFlush(folder, first)) {
    const fd = openSync(parent, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** Writes a new file (it must not exist) and flushes it to disk before returning. */
export async function writeSyncedFile(path: string, bytes: Uint8Array | string, mode: number): Promise<void> {
  const handle = await open(path, 'wx', mode);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` whole (readers see the old file or the new one), durably. With `folderMode`, its
 * folder is made first; without, it must exist (a folder made once, at start, is not asked for again).
 */
export async function writeAtomically(path: string, bytes: Uint8Array | string, { mode, folderMode }: { mode: number; folderMode?: number }): Promise<void> {
  if (folderMode !== undefined) await makeFolder(dirname(path), folderMode);
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await writeSyncedFile(temporary, bytes, mode);
    await rename(temporary, path);
  } catch (err) {
    // The write's own error is the one to report (the folder gone, the disk full), not the clean-up's.
    await rm(temporary, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncFolder(dirname(path));
}

/** The temporary name `writeAtomically` writes `path` under: `<name>.<pid>.<8 hex>.partial`. */
function temporaryOf(name: string): RegExp {
  const literal = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${literal}\\.(\\d+)\\.[0-9a-f]{8}\\.partial$`);
}

/** Whether a process of this host still runs under `pid` (one of another user's counts as running). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * How long a temporary file must have stayed unchanged before it counts as left: a process id alone
 * could be another container's (a shared volume, its own process ids), whose write is still going on.
 */
const LEFTOVER_AFTER_MS = 60_000;

/**
 * Removes the temporary files of `path` that `writeAtomically` calls of processes no longer running
 * left: a writer killed mid-write leaves its half file beside the real one, where whoever copies the
 * folder would copy it too. A writer still running keeps its own. Gives how many it removed.
 */
export async function removeLeftoversOf(path: string): Promise<number> {
  const pattern = temporaryOf(basename(path));
  let removed = 0;
  for (const name of await readdir(dirname(path)).catch(() => [] as string[])) {
    const pid = pattern.exec(name)?.[1];
    if (pid === undefined || running(Number(pid))) continue;
    const leftover = join(dirname(path), name);
    const changed = await stat(leftover).then((s) => s.mtimeMs, () => undefined);
    if (changed === undefined || Date.now() - changed < LEFTOVER_AFTER_MS) continue;
    await rm(leftover, { force: true });
    removed++;
  }
  if (removed) await syncFolder(dirname(path));
  return removed;
}

/**
 * Writes `path` only if it does not exist yet, whole or not at all, durably: a hard link fails if the
 * name exists, so of two writers racing exactly one file is kept. Returns false when it existed.
 */
export async function writeOnce(path: string, bytes: Uint8Array | string, mode: number): Promise<boolean> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let linked = false;
  try {
    await writeSyncedFile(temporary, bytes, mode);
    await link(temporary, path);
    linked = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(temporary, { force: true });
  }
  await syncFolder(dirname(path));
  return linked;
}

/** Overwrites a file in place with `bytes` and flushes them (a best effort before unlinking it). */
export async function overwriteSynced(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
