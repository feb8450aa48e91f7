// `npm run worker`: a Dossier worker against the Temporal server and mail relay named in the
// environment (TEMPORAL_ADDRESS…, SMTP_URL), or, when none is named, against the embedded set-up
// that `npm start` runs. The SDK shuts it down gracefully on SIGINT/SIGTERM.
import { ConfigError } from '../config/temporal';
import { withEmbeddedProfile } from '../config/embedded-profile';
import { describeConfig, parseWorkerConfig } from './config';
import { installTelemetry, metricsAddressFrom } from './telemetry';
import { createDossierWorker } from './worker';

async function main(): Promise<void> {
  const config = parseWorkerConfig(await withEmbeddedProfile(process.env));
  const metricsAddress = metricsAddressFrom(process.env);
  installTelemetry({ metricsAddress });
  console.log(`Dossier worker: ${describeConfig(config)}`);
  if (metricsAddress) console.log(`Metrics: http://${metricsAddress}/metrics`);
  const { run } = await createDossierWorker(config);
  await run();
  console.log('Dossier worker stopped.');
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
