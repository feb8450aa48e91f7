// "Leçons apprises" is a calque of "lessons learned": the French the authorities publish (statement,
// its PDF, the notice announcing it), and the workspace and CLI that prepare it, say "enseignements tirés".
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../../templates');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : /\.(ya?ml|hbs)$/.test(name) ? [join(dir, name)] : []));

describe('the French for "lessons learned"', () => {
  it('is "enseignements tirés" in every template, never the anglicism "leçons apprises"', () => {
    const said = files(root).filter((f) => /leçons apprises/i.test(readFileSync(f, 'utf8')));
    expect(said.map((f) => f.slice(root.length + 1))).toEqual([]);
  });
});
