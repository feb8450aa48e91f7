import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';

// Every workflow instantiates the whole bundle for itself: a large library in it costs each cached
// engagement memory (zod tripled it, BENCHMARKS.md part 2), so the bundle stays lean.
describe('the workflow bundle', () => {
  const code = readFileSync(inject('workflowBundlePath'), 'utf8');

  it('carries no validation library: workflows validate with plain rules', () => {
    expect(code).not.toMatch(/node_modules\/zod\//);
    expect(code).toMatch(/workflows\/campaign-rules\.ts/);
  });

  it('carries no Node-only module of the activities (email, PDF, templates, holiday calendars)', () => {
    for (const library of ['nodemailer', 'pdf-lib', 'handlebars', 'yaml', 'date-holidays']) expect(code).not.toMatch(new RegExp(`node_modules/${library}/`));
  });
});
