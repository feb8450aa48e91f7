// Runs the real checkers on PDFs, for tests: veraPDF (PDF/A and PDF/UA validation, pinned and
// installed by `npm run setup:test-tools` into .tools/verapdf) and poppler's and qpdf's command-line
// tools from Debian. One veraPDF run validates several files, since a JVM start costs seconds.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLASSPATH_FILE = resolve(__dirname, '..', '..', '.tools', 'verapdf', 'classpath');

export interface VeraPdfResult {
  compliant: boolean;
  profile: string;
  /** One line per failed rule: clause, description and the first error message. */
  failures: string[];
}

/** Validates each PDF against a veraPDF flavour (`3b`, `ua1`…); keyed by the names given. */
export async function veraPdf(files: Record<string, Uint8Array>, flavour: string): Promise<Record<string, VeraPdfResult>> {
  if (!existsSync(CLASSPATH_FILE)) {
    throw new Error(`veraPDF is not installed (${CLASSPATH_FILE} is missing); run npm run setup:test-tools.`);
  }
  const folder = mkdtempSync(join(tmpdir(), 'dossier-verapdf-'));
  try {
    const paths = Object.entries(files).map(([name, bytes]) => {
      const path = join(folder, `${name.replace(/[^A-Za-z0-9._-]/g, '-')}.pdf`);
      writeFileSync(path, bytes);
      return [path, name] as const;
    });
    const classpath = readFileSync(CLASSPATH_FILE, 'utf8').trim();
    // veraPDF exits non-zero when a file is not compliant; the JSON report says which.
    const { stdout } = await run('java', ['-cp', classpath, 'org.verapdf.apps.GreenfieldCliWrapper', '--flavour', flavour, '--format', 'json', ...paths.map(([p]) => p)], {
      maxBuffer: 64 * 1024 * 1024,
    }).catch((err: { stdout?: string; stderr?: string; message: string }) => {
      if (err.stdout?.includes('"jobs"')) return { stdout: err.stdout };
      throw new Error(`veraPDF failed to run: ${err.stderr || err.message}`);
    });
    const report = JSON.parse(stdout).report as VeraPdfReport;
    const byPath = new Map(paths);
    const results: Record<string, VeraPdfResult> = {};
    for (const job of report.jobs) {
      const name = byPath.get(job.itemDetails.name) ?? job.itemDetails.name;
      const validation = job.validationResult?.[0];
      if (!validation) throw new Error(`veraPDF could not validate ${name}: ${JSON.stringify(job).slice(0, 500)}`);
      results[name] = {
        compliant: validation.compliant,
        profile: validation.profileName,
        failures: validation.details.ruleSummaries
          .filter((rule) => rule.ruleStatus === 'FAILED')
          .map((rule) => `${rule.specification} ${rule.clause}-${rule.testNumber}: ${rule.description} (${rule.checks?.[0]?.errorMessage ?? ''})`),
      };
    }
    return results;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

interface VeraPdfReport {
  jobs: {
    itemDetails: { name: string };
    validationResult?: {
      compliant: boolean;
      profileName: string;
      details: { ruleSummaries: { ruleStatus: string; specification: string; clause: string; testNumber: number; description: string; checks?: { errorMessage?: string }[] }[] };
    }[];
  }[];
}

/** Runs a command-line tool (pdfinfo, pdffonts, pdftotext, qpdf, pdfdetach) on a PDF; returns stdout. */
export async function pdfTool(tool: string, args: string[], bytes: Uint8Array): Promise<{ stdout: string; stderr: string; code: number }> {
  const folder = mkdtempSync(join(tmpdir(), 'dossier-pdftool-'));
  const path = join(folder, 'file.pdf');
  writeFileSync(path, bytes);
  try {
    const { stdout, stderr } = await run(tool, [...args.map((a) => (a === '{}' ? path : a))], { cwd: folder, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
