// A web app served on a loopback port for a test, and a stop that does not wait on the browser.
// Chromium opens spare connections ahead of need; one that never sends a request is neither idle nor
// busy to Node, so `server.close()` alone waits for it until the request timeout (5 minutes), past
// any hook's limit. A test's server has nothing in hand worth finishing: stop cuts every connection.
import { serve, type ServerType } from '@hono/node-server';

export interface ServedApp {
  server: ServerType;
  stop(): Promise<void>;
}

export async function serveApp(app: { fetch: (request: Request) => Response | Promise<Response> }, port: number): Promise<ServedApp> {
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
  return {
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
