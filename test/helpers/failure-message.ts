// A failure as the server keeps it (a pending activity's last failure, read raw from a describe)
// holds only "Encoded failure": its message is encrypted (encryption/failure-converter.js). Tests
// read it as an operator does through the codec server: decoded with the client's keys.
import type { Client } from '@temporalio/client';
import type { ProtoFailure } from '@temporalio/common';
import { decodeFailure } from '@temporalio/common/lib/internal-non-workflow';

export async function failureMessage(client: Client, failure: ProtoFailure | null | undefined): Promise<string | undefined> {
  if (!failure) return undefined;
  const { payloadConverter, failureConverter, payloadCodecs } = client.options.loadedDataConverter;
  return failureConverter.failureToError(await decodeFailure(payloadCodecs, failure), payloadConverter).message;
}
