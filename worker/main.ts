// `npm run worker`: a Dossier worker against the Temporal server and mail relay named in the
// environment (TEMPORAL_ADDRESS…, SMTP_URL). The SDK shuts it down gracefully on SIGINT/SIGTERM.
import { loadEncryption } from '../encryption/config';
import { KeyError } from '../encryption/keystore';
import { ConfigError, describeConfig, parseWorkerConfig } from './config';
import { createDossierWorker } from './worker';

async function main(): Promise<void> {
  const config = parseWorkerConfig();
  const { dataConverter } = loadEncryption();
  console.log(`Dossier worker: ${describeConfig(config)}, payloads encrypted`);
  const { run } = await createDossierWorker(config, undefined, { dataConverter });
  await run();
  console.log('Dossier worker stopped.');
}

main().catch((err) => {
  console.error(err instanceof ConfigError || err instanceof KeyError ? err.message : err);
  process.exit(1);
});
