// A process that installs the worker's telemetry as `npm run worker` does and logs one failure the
// way the SDK reports a workflow task that failed on the shared store: what it writes is the test's.
import { Runtime } from '@temporalio/worker';
import { installTelemetry } from '../../worker/telemetry';

installTelemetry({ shutdownSignals: [] });
const cause = new Error('connect ECONNREFUSED 127.0.0.1:5432');
const error = Object.assign(new Error('PostgreSQL at postgres://dossier@db.test:5432/dossier is unreachable: connect ECONNREFUSED 127.0.0.1:5432', { cause }), {
  name: 'StoreUnavailable',
  code: 'StoreUnavailable',
});
Runtime.instance().logger.error('Failed to process Workflow Activation', { sdkComponent: 'worker', taskQueue: 'dossier', workflowId: 'engagement:c:zoom', error });
Runtime.instance().logger.info('Worker state changed', { sdkComponent: 'worker', taskQueue: 'dossier', state: 'RUNNING' });
setTimeout(() => process.exit(0), 300);
