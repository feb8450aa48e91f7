// The refreshes of session tokens known to one web process (web/token-refresh.ts), for a workspace
// given no shared store: the same claims as the shared stores' (test/integration/store-contract.test.ts).
import { describe } from 'vitest';
import { inProcessRefreshes } from '../../web/token-refresh';
import { lateClaimHolderCases } from '../helpers/late-refresh-claims';

describe("one process's refreshes of session tokens", () => {
  const refreshes = inProcessRefreshes();
  lateClaimHolderCases(() => ({ store: refreshes, other: refreshes }));
});
