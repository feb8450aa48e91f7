// A process that claims one send in a shared store and then hangs, so a test can SIGKILL it in the
// middle of its "SMTP transaction". Argument: JSON { settings, messageId }.
import { openStore, type StoreSettings } from '../../store';

async function main() {
  const { settings, messageId } = JSON.parse(process.argv[2]) as { settings: StoreSettings; messageId: string };
  const store = openStore(settings);
  const turn = await store.ledger.begin(messageId);
  process.stdout.write(turn.delivered ? 'delivered\n' : 'claimed\n');
  setInterval(() => undefined, 60_000);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
