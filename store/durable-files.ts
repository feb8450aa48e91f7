// Writes to local files that must outlive a power cut, not only a crash of this process: the data
// keys above all, since the Temporal dev server commits the histories encrypted under a new key with
// synchronous=full. Each file is flushed (fsync) before it is renamed or linked into place, and its
// folder after, so the name and the bytes reach the disk together; new folders are recorded in their
// parents the same way.
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';

/** Flushes a folder's entries (names created, renamed or removed in it). Not possible on Windows. */
export function syncFolder(folder: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `mkdir -p` whose new folders survive a power cut: each one is flushed into its parent. */
export function makeFolder(folder: string, mode: number): void {
  const first = mkdirSync(folder, { recursive: true, mode });
  if (!first) return;
  const top = resolve(first);
  for (let made = resolve(folder); ; made = dirname(made)) {
    syncFolder(dirname(made));
    if (made === top || dirname(made) === made) break;
  }
}

/** Writes a new file (it must not exist) and flushes it to disk before returning. */
export function writeSyncedFile(path: string, bytes: Uint8Array | string, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    for (let written = 0; written < buffer.length; ) written += writeSync(fd, buffer, written, buffer.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` whole (readers see the old file or the new one), durably. */
export function writeAtomically(path: string, bytes: Uint8Array | string, { mode, folderMode }: { mode: number; folderMode: number }): void {
  makeFolder(dirname(path), folderMode);
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    writeSyncedFile(temporary, bytes, mode);
    renameSync(temporary, path);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
  syncFolder(dirname(path));
}

/**
 * Writes `path` only if it does not exist yet, whole or not at all, durably: a hard link fails if the
 * name exists, so of two writers racing exactly one file is kept. Returns false when it existed.
 */
export function writeOnce(path: string, bytes: Uint8Array | string, mode: number): boolean {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let linked = false;
  try {
    writeSyncedFile(temporary, bytes, mode);
    linkSync(temporary, path);
    linked = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(temporary, { force: true });
  }
  syncFolder(dirname(path));
  return linked;
}

/** Overwrites a file in place with `bytes` and flushes them (a best effort before unlinking it). */
export function overwriteSynced(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'r+');
  try {
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
