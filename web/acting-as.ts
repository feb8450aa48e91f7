// Who a workspace request acts for, as Temporal records it. The server keeps each start's and
// update's identity in plaintext beside the encrypted request: with the signed-in user's there, the
// audit export still names who acted once a campaign's key is destroyed and the `by` inside each
// request can no longer be read. One client per user, sharing the workspace's one connection.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@temporalio/client';

const acting = new AsyncLocalStorage<string>();

/** Runs a request's work as `actor` (`Name (subject, signed in)`). */
export function actingAs<T>(actor: string, work: () => T): T {
  return acting.run(actor, work);
}

/** The client to use for the request under way: the base one outside any request or sign-in. */
export function clientActingAs(base: Client, clients: Map<string, Client>): Client {
  const actor = acting.getStore();
  if (!actor) return base;
  let client = clients.get(actor);
  if (!client) {
    const { namespace, dataConverter, interceptors } = base.options;
    clients.set(actor, (client = new Client({ connection: base.connection, namespace, dataConverter, interceptors, identity: actor })));
  }
  return client;
}
