// A process that takes over a send's dead claim in a local delivery ledger and stops, as a scheduler
// may stop it, between reading the claim and its first change on disk: it goes on once the file
// `go` exists, so a test can let another process take the same claim over in that gap. Argument:
// JSON { folder, messageId, go }. Prints `paused`, then `claimed <tookOverFromCrash>` or
// `delivered` once it has its turn, and hangs holding it until killed.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const { folder, messageId, go } = JSON.parse(process.argv[2]) as { folder: string; messageId: string; go: string };

let claimRead = false;
let paused = false;
const readlinkSync = fs.readlinkSync;
fs.readlinkSync = ((path: fs.PathLike, ...rest: never[]) => {
  if (String(path).endsWith('.sending')) claimRead = true;
  return readlinkSync(path, ...rest);
}) as typeof fs.readlinkSync;
// Every call that changes the ledger's folder, whatever the ledger's way of taking a claim over.
for (const name of ['symlinkSync', 'linkSync', 'renameSync', 'unlinkSync', 'rmSync', 'writeFileSync'] as const) {
  const original = fs[name] as (...args: unknown[]) => unknown;
  (fs as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
    if (claimRead && !paused) {
      paused = true;
      process.stdout.write('paused\n');
      // Synchronous, as the ledger's own calls are: nothing else in this process runs meanwhile.
      while (!fs.existsSync(go)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
    return original(...args);
  };
}
syncBuiltinESMExports();

async function main() {
  const { FileDeliveryLedger } = await import('../../activities/delivery-ledger');
  const ledger = new FileDeliveryLedger(folder, { pollMs: 20 });
  const turn = await ledger.begin(messageId);
  process.stdout.write(turn.delivered ? 'delivered\n' : `claimed ${turn.tookOverFromCrash}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
