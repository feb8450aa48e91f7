// Where CPU time goes: records a V8 CPU profile of a piece of code in this process (node:inspector),
// and sums any profile's self time by function and by package, so a missed target names its cause.
import { Session } from 'node:inspector/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../paths';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  /** Time on the CPU (idle excluded); percentages below are of this. */
  busyMs: number;
  idleMs: number;
  /**
   * Self time by package (`pdf-lib`, `@pdf-lib/fontkit`, `dossier` for the project's own code, `workflow bundle`
   * for the bundled workflows with the SDK's workflow runtime, `node` for built-ins).
   */
  byPackage: { name: string; ms: number; percent: number }[];
  /** The functions with the most self time. */
  topFunctions: { name: string; where: string; ms: number; percent: number }[];
}

export async function profileCall<T>(run: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const result = await run();
    const { profile } = await session.post('Profiler.stop');
    return { result, profile: profile as unknown as CpuProfile };
  } finally {
    session.disconnect();
  }
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

/**
 * Microseconds of the monotonic clock V8's profiler stamps its samples with (CLOCK_MONOTONIC, as
 * process.hrtime), so a process can mark a window in another process's profile.
 */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** `window`: only the samples taken between these two monotonicMicros() readings count. */
export function summarizeProfile(profile: CpuProfile, top = 12, window?: { fromUs: number; toUs: number }): ProfileSummary {
  // Self time per node: each sample's delta is charged to the node it landed in.
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  }
  const idleNodes = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let idleUs = 0;
  for (const id of idleNodes) idleUs += selfUs.get(id) ?? 0;
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0) - idleUs || 1;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0 || idleNodes.has(node.id)) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const where = url ? `${shortPath(url)}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = byFunction.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  const percent = (us: number) => Math.round((us / totalUs) * 1000) / 10;
  return {
    busyMs: ms(totalUs),
    idleMs: ms(idleUs),
    byPackage: [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: ms(us), percent: percent(us) })),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: ms(f.us), percent: percent(f.us) })),
  };
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : 'native';
  if (url.startsWith('node:')) return 'node';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  // The workflow bundle holds the SDK's workflow runtime as well as Dossier's workflows.
  if (url.endsWith('.js') && url.includes('bench-workflows')) return 'workflow bundle';
  if (url.startsWith('evalmachine')) return 'workflow sandbox';
  return url.replace(/^file:\/\//, '').startsWith(PROJECT_ROOT) ? 'dossier' : 'other';
}

function shortPath(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length);
  return path.startsWith(PROJECT_ROOT) ? relative(PROJECT_ROOT, path) : path;
}

/** One summary per thread: `node --cpu-prof` writes the main thread's (activities, the SDK's plumbing) and each workflow thread's. */
export function summarizeThreadProfiles(folder: string, window?: { fromUs: number; toUs: number }): Record<string, ProfileSummary> {
  const summaries: Record<string, ProfileSummary> = {};
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.cpuprofile'))) {
    // CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile; thread 0 is the main thread.
    const thread = file.split('.')[4];
    summaries[thread === '0' ? 'main thread' : `worker thread ${thread}`] = summarizeProfile(readProfile(join(folder, file)), 12, window);
  }
  return summaries;
}
