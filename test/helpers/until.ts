// Waiting on the real stack: visibility, workflow state and mail arrive a moment after the action
// that causes them, so tests poll for the state they expect, with a deadline that names what they waited for.
import { ClientErrorCode, DossierClientError } from '../../client/errors';

export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * As `until`, reading a workflow not found as not there yet, and naming the last value read: a
 * campaign lists its vendors from its start, and starts their engagements once its letter is kept.
 */
export async function untilFound<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  let last: T | undefined;
  const found = async () =>
    (last = await read().catch((err: unknown) => {
      if (err instanceof DossierClientError && err.code === ClientErrorCode.NotFound) return undefined;
      throw err;
    }));
  try {
    return (await until(found, (value) => value !== undefined && ok(value), what, timeoutMs)) as T;
  } catch (err) {
    throw new Error(`${(err as Error).message}; last: ${JSON.stringify(last, null, 1)?.slice(0, 2_000)}`);
  }
}
