// Where a campaign's published files go, apart from the PDFs' rendering: the letter's send names its
// copy with these, and a module that loads pdf-lib would load it into every process that sends mail,
// the CLI's `--help` among them (test/unit/compiled-cli.test.ts).
import { posix } from 'node:path';
import type { Vendor } from '../workflows/types';
import { invalidMessage } from './errors';

/**
 * A letter copy's path in the campaign's folder, named with its language as the statements are: the
 * English copy and the French one are told apart in a file list. Copies filed before were
 * `letters/<vendor>.pdf`; nothing records their paths, and they stay where they are.
 */
export function letterCopyFileName(vendor: Pick<Vendor, 'id' | 'language'>): string {
  return posix.join('letters', `${vendor.id}.${vendor.language}.pdf`);
}

/** A vendor's letter copy in the campaign's publication folder: where its send files it, and an officer puts it back. */
export function letterCopyPath(folder: string, vendor: Pick<Vendor, 'id' | 'language'>): string {
  return publishedPath(folder, letterCopyFileName(vendor));
}

/** `folder/name` as a published file's path; refused if it would leave the output folder. */
export function publishedPath(folder: string, ...names: string[]): string {
  const path = posix.normalize(posix.join(folder, ...names));
  if (path.startsWith('../') || posix.isAbsolute(path)) {
    throw invalidMessage(`"${folder}" is outside the output folder; use a plain folder name.`);
  }
  return path;
}
