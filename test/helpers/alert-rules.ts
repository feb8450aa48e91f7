// The example Prometheus alert rules of docs/alerts.md, read as Prometheus would read its rule file,
// so tests can check each metric they use against a real scrape.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../paths';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The rule groups of the document's one `groups:` block, by name. */
export function exampleAlertRules(): Map<string, AlertRule[]> {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'alerts.md'), 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as { groups?: { name: string; rules: AlertRule[] }[] });
  const withGroups = blocks.filter((b) => b?.groups);
  if (withGroups.length !== 1) throw new Error(`docs/alerts.md: expected one yaml block of rule groups, found ${withGroups.length}`);
  return new Map(withGroups[0]!.groups!.map((g) => [g.name, g.rules]));
}

/** Every metric name a group's expressions read, as the endpoint serves it (a histogram's `_bucket`, `_count`…). */
export function metricsTheRulesRead(rules: AlertRule[]): string[] {
  return [...new Set(rules.flatMap((r) => [...r.expr.matchAll(/\b(?:dossier|temporal)_[a-z0-9_]+\b/g)].map((m) => m[0])))];
}

/** Whether the Prometheus text `scraped` has a sample of `name`. */
export function servesSample(scraped: string, name: string): boolean {
  return new RegExp(`^${name}[{ ]`, 'm').test(scraped);
}
