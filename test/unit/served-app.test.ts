// The browser tests' servers stop while Chromium still holds a connection that never sent a request
// (a roles-recheck run waited on one past its 120-second hook limit and failed CI).
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports';
import { serveApp } from '../helpers/served-app';

describe('a web app served for a test', () => {
  it('stops at once although a connection is open that never sent a request', async () => {
    const port = await freePort();
    const served = await serveApp({ fetch: () => new Response('ok') }, port);
    const spare = connect(port, '127.0.0.1');
    await new Promise((resolve) => spare.once('connect', resolve));
    const stopped = served.stop().then(() => 'stopped');
    const outcome = await Promise.race([stopped, new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3_000))]);
    spare.destroy();
    expect(outcome).toBe('stopped');
  });
});
