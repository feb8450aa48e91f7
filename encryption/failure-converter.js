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

exports.failureConverter = {
  errorToFailure: (err, payloadConverter, context) => (causedByShreddedKey(err) ? plain : encrypted).errorToFailure(err, payloadConverter, context),
  failureToError: (failure, payloadConverter, context) => encrypted.failureToError(failure, payloadConverter, context),
};
