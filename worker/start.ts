// `npm start`: the main job on embedded defaults. Brings up the Temporal dev server (with Web UI),
// the local mail sink and a worker; Ctrl-C stops the worker first (in-flight activities finish),
// then the sink and the server. TEMPORAL_ADDRESS / SMTP_URL switch to a real cluster and relay.
import { startEmbedded } from '../infra/embedded';
import { ConfigError, describeConfig, parseWorkerConfig } from './config';
import { createDossierWorker } from './worker';

async function main(): Promise<void> {
  const embedded = await startEmbedded();
  try {
    const config = parseWorkerConfig(embedded.env);
    const { run } = await createDossierWorker(config);
    console.log(`Worker               ${describeConfig(config)}`);
    console.log('Ready. Press Ctrl-C to stop.');
    await run();
  } finally {
    console.log('Stopping mail sink and Temporal dev server…');
    await embedded.stop();
  }
  console.log('Stopped.');
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err instanceof Error ? err.message : err);
  process.exit(1);
});
