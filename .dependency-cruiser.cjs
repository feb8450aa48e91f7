// Imports run one way: front ends (CLI, scripts) → client API → workflows' messages and types.
// Workflows stay deterministic (no activity values, infrastructure, Node built-ins or zod);
// activities are adapters the workflows know only as types. `npm test` runs this check first.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'workflows-know-activities-only-as-types',
      comment: 'Workflow code may import activity types, never their values (error types live in workflows/errors.ts).',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-import-no-infrastructure',
      comment: 'Workflow code is deterministic: nothing from the worker, front ends, intake, encryption, config, infra, store, documents or scripts.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^(worker|client|web|intake|documents|encryption|config|infra|store|scripts|bench|test)/|^paths\\.ts$' },
    },
    {
      name: 'workflows-import-no-node',
      comment: 'Workflow code runs in the deterministic sandbox: values arrive as input, not from Node built-ins.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'workflows-import-no-zod',
      comment: 'zod stays out of the workflow bundle: the campaign file schema is client/campaign-schema.ts.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '(^|/)node_modules/zod/' },
    },
    {
      name: 'client-imports-no-worker-or-infra',
      comment: 'The client API connects through config/temporal.ts; a program that also runs a worker (the demo) is a script.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^(worker|web|infra|scripts|bench|test)/' },
    },
    {
      name: 'web-goes-through-the-client-api',
      comment: 'The web workspace is a front end: it calls the typed client API and holds no worker, activity or storage code.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(worker|activities|store|scripts|bench|test)/' },
    },
    {
      name: 'activities-import-no-front-end-or-worker',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^(client|web|worker|infra|scripts|bench|test)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'activities-take-no-types-from-front-ends',
      comment: 'A warning until the audit report reads its row types from a shared module (activities/audit-report.ts uses client/audit.ts types).',
      severity: 'warn',
      from: { path: '^activities/' },
      to: { path: '^(client|web)/', dependencyTypes: ['type-only'] },
    },
    {
      name: 'shared-modules-import-no-worker-client-or-infra',
      comment: 'config/, encryption/ and paths.ts are shared by worker and client: they depend on neither, nor on infra/.',
      severity: 'error',
      from: { path: '^(config|encryption)/|^paths\\.ts$' },
      to: { path: '^(worker|client|web|infra|scripts|bench|test)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
