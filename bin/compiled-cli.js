// Whether dist/cli.js (scripts/build-cli.mjs) is current: built after the last change to every
// source file it holds. Plain JavaScript, so answering costs a few file stats and no compiler.
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');

function compiledIsCurrent(root = ROOT) {
  try {
    const { inputs } = JSON.parse(readFileSync(join(root, 'dist', 'cli.inputs.json'), 'utf8'));
    // Whole milliseconds: a time restored from a Date (tools that copy or touch files) has no fraction.
    return inputs.length > 0 && inputs.every(({ file, mtimeMs }) => Math.floor(statSync(join(root, file)).mtimeMs) <= Math.floor(mtimeMs));
  } catch {
    return false;
  }
}

module.exports = { compiledIsCurrent };
