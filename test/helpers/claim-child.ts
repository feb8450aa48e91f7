// A process that claims one send in a shared store and then hangs, so a test can SIGKILL it in the
// middle of its "SMTP transaction". Argument: JSON { settings, messageId, dueDate? }; with a due
// date, the claim states it as a send does before its hand-off to the relay.
import { openStore, type StoreSettings } from '../../store';

async function main() {
  const { settings, messageId, dueDate } = JSON.parse(process.argv[2]) as { settings: StoreSettings; messageId: string; dueDate?: string };
  const store = openStore(settings);
  const turn = await store.ledger.begin(messageId);
  if (!turn.delivered && dueDate !== undefined) await turn.stateDueDate(dueDate);
  process.stdout.write(turn.delivered ? 'delivered\n' : 'claimed\n');
  setInterval(() => undefined, 60_000);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
