// Start-up refusals in words an operator can act on: a missing required setting named with what to
// give (not the schema's own text), an unknown Temporal profile named with its variable and file,
// and several taken ports said in the plural.
import { describe, expect, it } from 'vitest';
import { loadTemporalTarget } from '../../config/temporal';
import { portsTakenMessage } from '../../infra/embedded';
import { parseWorkerConfig } from '../../worker/config';

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
};

describe('start-up refusals', () => {
  it('names a missing SMTP_URL with an example, not the schema’s "expected string, received undefined"', () => {
    const message = messageOf(() => parseWorkerConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233' }));
    expect(message).toContain('SMTP_URL is required');
    expect(message).toContain('smtp://');
    expect(message).not.toContain('received undefined');
  });

  it('names TEMPORAL_PROFILE and the configuration file when the profile is not in it', () => {
    const message = messageOf(() => loadTemporalTarget({ TEMPORAL_PROFILE: 'nope', TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' }));
    expect(message).toContain('TEMPORAL_PROFILE: no profile "nope" in /nonexistent/temporal.toml');
    expect(message).not.toContain('config data');
  });

  it('says one taken port in the singular and several in the plural', () => {
    expect(portsTakenMessage(['17233 (Temporal)'])).toMatch(/^port 17233 \(Temporal\) is already in use on 127\.0\.0\.1\./);
    expect(portsTakenMessage(['17233 (Temporal)', '18233 (Temporal Web UI)'])).toMatch(/^ports 17233 \(Temporal\), 18233 \(Temporal Web UI\) are already in use on 127\.0\.0\.1\./);
  });
});
