// The record of a campaign's received documents downloaded (the vendors' confidential submissions),
// and of the messages its holding pen held that an officer dismissed: each is a signal in this
// workflow's history, which the audit export reads beside the campaign's and its engagements'. A workflow of its own, started by the first download, so that a
// download is recorded whether the engagement and the campaign are running, ended or never existed.
// It keeps no state: its history is the record, continued in a new run when it grows long.
import { condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { documentDownloadedSignal, heldMessageDismissedSignal } from './messages';

/** Events in one run before it continues in a new one, well below Temporal's warning (10,240). */
const EVENTS_PER_RUN = 5_000;

export async function documentAccess(): Promise<void> {
  // The signal's event in history is the record: nothing to do with it here.
  setHandler(documentDownloadedSignal, () => undefined);
  setHandler(heldMessageDismissedSignal, () => undefined);
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= EVENTS_PER_RUN);
  await continueAsNew<typeof documentAccess>();
}
