// The DOSSIER_* variables a process was given that no part of Dossier reads: a misspelt one (an
// extra letter in the digest's hour, a dropped one in the codec's token) otherwise leaves its setting
// on the default with nothing to show it. No name is spelt wrong here on purpose: this file is
// scanned too. Named, with the closest setting, as warnings rather than a refusal: a host may set a
// variable for a newer version before it is upgraded (README, "Running against a real cluster").
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths';

/**
 * Where the settings are read: every source of Dossier's processes (and the helpers tests and the
 * bench run workers with). The names come from the code that reads them, so a setting added there is
 * known here with no list to keep in step.
 */
const SOURCE_FOLDERS = ['activities', 'bin', 'client', 'config', 'documents', 'encryption', 'infra', 'intake', 'scripts', 'store', 'web', 'worker', 'workflows', join('test', 'helpers'), join('bench', 'lib')];
const SOURCE_FILE = /\.(ts|js|mjs|cjs)$/;
const SETTING = /\bDOSSIER_[A-Z0-9_]*[A-Z0-9]\b/g;

let known: ReadonlySet<string> | undefined;

/** Every DOSSIER_* name Dossier's source code names, read once per process. */
export function knownSettingNames(root: string = PROJECT_ROOT): ReadonlySet<string> {
  if (root === PROJECT_ROOT && known) return known;
  const names = new Set<string>();
  for (const folder of SOURCE_FOLDERS) {
    for (const file of sourceFiles(join(root, folder))) {
      for (const [name] of readFileSync(file, 'utf8').matchAll(SETTING)) names.add(name);
    }
  }
  if (root === PROJECT_ROOT) known = names;
  return names;
}

function sourceFiles(folder: string): string[] {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    // A deployment that leaves a folder out (the tests', the bench's) runs no code from it.
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.isFile() && SOURCE_FILE.test(entry.name) ? [path] : [];
  });
}

export interface UnreadSetting {
  name: string;
  /** The known setting it is most likely a misspelling of, when one is close enough to say so. */
  closest?: string;
}

/** The DOSSIER_* variables in `env` that are not settings, each with the closest setting's name. */
export function unreadSettings(env: NodeJS.ProcessEnv, given?: ReadonlySet<string>): UnreadSetting[] {
  const candidates = Object.keys(env).filter((name) => name.startsWith('DOSSIER_'));
  // The sources are read only when there is a name to check: the CLI runs this at every command.
  if (!candidates.length) return [];
  const names = given ?? knownSettingNames();
  return candidates
    .filter((name) => !isKnown(name, names))
    .sort()
    .map((name) => {
      const closest = closestName(name, names);
      return closest ? { name, closest } : { name };
    });
}

/**
 * `NAME_FILE`, a file holding NAME's value, is read by helpers that build the name from NAME's
 * (withFileSecrets, the workspace's `read`) rather than spell it.
 */
function isKnown(name: string, names: ReadonlySet<string>): boolean {
  return names.has(name) || (name.endsWith('_FILE') && names.has(name.slice(0, -'_FILE'.length)));
}

/** One warning line each, naming the variable only: its value may be a secret. */
export function unreadSettingWarnings(env: NodeJS.ProcessEnv, names?: ReadonlySet<string>): string[] {
  return unreadSettings(env, names).map(
    ({ name, closest }) =>
      `Warning: ${name} is set, but no part of Dossier reads it, so it changes nothing` +
      (closest ? `: did you mean ${closest}?` : ' (a setting of another version, or a misspelling?)'),
  );
}

/**
 * The setting whose name is fewest edits away (a letter added, dropped, changed, or two swapped),
 * if that is at most a third of the part after DOSSIER_: further than that it is no misspelling.
 */
function closestName(name: string, names: ReadonlySet<string>): string | undefined {
  const suffix = name.slice('DOSSIER_'.length);
  const limit = Math.max(2, Math.ceil(suffix.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of [...names].sort()) {
    const distance = editDistance(suffix, candidate.slice('DOSSIER_'.length));
    if (distance <= limit && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Optimal string alignment distance (Levenshtein with adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}
