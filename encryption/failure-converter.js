// The failure converter of every Dossier client and worker, and of the workflow bundle: a failure's
// message and stack trace travel in its encoded attributes, a payload the codec encrypts under the
// campaign's key, since the Temporal server stores failures and they quote what a mail server, a
// file or an officer said. The server keeps only "Encoded failure" and the failure's type.
// Plain CommonJS: the SDK loads it by path (`failureConverterPath`) in the worker, the client and the
// workflow sandbox alike, where no TypeScript loader runs.
const { DefaultFailureConverter } = require('@temporalio/common');

const encrypted = new DefaultFailureConverter({ encodeCommonAttributes: true });
const plain = new DefaultFailureConverter();

/**
 * A failure caused by a shredded campaign key (encryption/keystore.ts, `KeyShredded`) has no key to
 * be encrypted under: encrypting it would fail in turn, and the activity or workflow would never
 * report it. Its chain says only that the campaign was shredded, and when, so it stays in clear.
 */
function causedByShreddedKey(err) {
  for (let e = err, depth = 0; e && depth < 20; e = e.cause, depth++) if (e.type === 'KeyShredded') return true;
  return false;
}

/**
 * Names each payload of an encrypted failure as a failure's part (its message and stack, or its
 * details) in metadata the codec reads and removes: when the campaign's key was shredded while the
 * failure was on its way (an activity of the campaign failing after the shredding), the codec can
 * withhold these parts instead of throwing, which would stop the worker (encryption/codec.ts).
 */
const FAILURE_PART_METADATA = 'dossier-failure-part';
const partMark = (part) => new TextEncoder().encode(part);

function markFailureParts(failure) {
  for (let f = failure, depth = 0; f && depth < 20; f = f.cause, depth++) {
    if (f.encodedAttributes) f.encodedAttributes.metadata = { ...f.encodedAttributes.metadata, [FAILURE_PART_METADATA]: partMark('attributes') };
    for (const info of [f.applicationFailureInfo, f.canceledFailureInfo, f.timeoutFailureInfo, f.resetWorkflowFailureInfo]) {
      const details = info && (info.details || info.lastHeartbeatDetails);
      for (const payload of (details && details.payloads) || []) payload.metadata = { ...payload.metadata, [FAILURE_PART_METADATA]: partMark('details') };
    }
  }
  return failure;
}

exports.FAILURE_PART_METADATA = FAILURE_PART_METADATA;
exports.failureConverter = {
  errorToFailure: (err, payloadConverter, context) =>
    causedByShreddedKey(err) ? plain.errorToFailure(err, payloadConverter, context) : markFailureParts(encrypted.errorToFailure(err, payloadConverter, context)),
  failureToError: (failure, payloadConverter, context) => encrypted.failureToError(failure, payloadConverter, context),
};
