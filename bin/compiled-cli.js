// Whether dist/cli.js (scripts/build-cli.mjs) is current: built after the last change to every
// source file it holds. Plain JavaScript, so answering costs a few file stats and no compiler.
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');

function compiledIsCurrent(root = ROOT) {
  try {
    const { inputs } = JSON.parse(readFileSync(join(root, 'dist', 'cli.inputs.json'), 'utf8'));
    return inputs.length > 0 && inputs.every(({ file, mtimeMs }) => statSync(join(root, file)).mtimeMs <= mtimeMs);
  } catch {
    return false;
  }
}

module.exports = { compiledIsCurrent };
