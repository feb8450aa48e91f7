// A process that claims one send in a shared store and then hangs, so a test can SIGKILL it in the
// middle of its "SMTP transaction". Argument: JSON { settings, messageId, dueDate?, abandon? }; with a
// due date, the claim states it as a send does before its hand-off to the relay; with `abandon`, the
// send then gives up as one does at the worker's shutdown grace, and the process stays alive.
import { openStore, type StoreSettings } from '../../store';

async function main() {
  const { settings, messageId, dueDate, abandon } = JSON.parse(process.argv[2]) as { settings: StoreSettings; messageId: string; dueDate?: string; abandon?: boolean };
  const store = openStore(settings);
  const turn = await store.ledger.begin(messageId);
  if (!turn.delivered && dueDate !== undefined) await turn.stateDueDate(dueDate);
  if (!turn.delivered && abandon) await turn.abandon();
  process.stdout.write(turn.delivered ? 'delivered\n' : 'claimed\n');
  setInterval(() => undefined, 60_000);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
