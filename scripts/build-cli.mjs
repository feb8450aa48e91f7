// Compiles the `dossier` CLI to one JavaScript file (dist/cli.js) so it starts without compiling
// TypeScript at every run. `npm install` runs it (the `prepare` script); bin/dossier.js falls back to
// the TypeScript sources whenever one of them changed after the build, so a stale build never runs.
// Packages stay external: they load from node_modules as they would from the sources.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * Project modules that use a heavy package at their top level (message definitions: the workflow
 * SDK; the campaign file's schema: zod; templates: Handlebars; the PDF structure: pdf-lib). In the
 * bundle each runs when a command first reads one of its exports, so `--help` loads none of them.
 */
const LAZY_MODULES = [
  'workflows/messages.ts',
  'workflows/search-attributes.ts',
  'client/campaign-schema.ts',
  'client/commands/input-files.ts',
  'activities/templates.ts',
  'activities/pdf/structure.ts',
  'activities/pdf/document.ts',
  'activities/letter.ts',
];
/**
 * The CLI's sentences (client/cli-sentences.ts), parsed here: parsing the YAML at every run would
 * double the time `--help` takes. The build is then stale once the file changes, as for a source.
 */
const CLI_TEMPLATES = 'templates/cli.yaml';
const outfile = join(root, 'dist', 'cli.js');
mkdirSync(dirname(outfile), { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['client/cli.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile,
  packages: 'external',
  sourcemap: 'linked',
  define: { __DOSSIER_CLI_TEMPLATES__: JSON.stringify(JSON.stringify(parse(readFileSync(join(root, CLI_TEMPLATES), 'utf8')))) },
  metafile: true,
  logLevel: 'warning',
  plugins: [lazyModules(LAZY_MODULES), sourceFolders(), lazyPackages()],
});
// Every project file the bundle holds, with its modification time: bin/dossier.js compares them.
const inputs = Object.keys(result.metafile.inputs)
  .filter((file) => !file.includes('node_modules') && !file.includes(':'))
  .concat(CLI_TEMPLATES)
  .map((file) => ({ file, mtimeMs: statSync(join(root, file)).mtimeMs }));
writeFileSync(join(root, 'dist', 'cli.inputs.json'), JSON.stringify({ builtAt: Date.now(), inputs }) + '\n');
console.log(`[dossier setup] CLI compiled: ${relative(root, outfile)} (${inputs.length} source files)`);

/**
 * The sources find templates, fonts and migrations relative to their own folder (`__dirname`); in the
 * bundle every module would see dist/. Each project file gets its own folder back, relative to the
 * bundle, so the compiled CLI still works when the project is moved.
 */
function sourceFolders() {
  return {
    name: 'source-folders',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes('node_modules')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!/\b__dirname\b/.test(source)) return undefined;
        const folder = relative(dirname(outfile), dirname(args.path));
        const contents =
          `const __sourceDir = require('node:path').join(__dirname, ${JSON.stringify(folder)});\n` +
          source.replace(/\b__dirname\b/g, '__sourceDir');
        return { contents, loader: 'ts' };
      });
    },
  };
}

/**
 * Each listed project module is replaced, for its importers, by an object with one getter per export
 * (listed by a build of the module alone) that runs the module on first read; the module itself is
 * bundled as usual, behind esbuild's lazy initialiser for required modules.
 */
function lazyModules(files) {
  const lazy = new Set(files.map((file) => join(root, file)));
  const REAL = '?run-now';
  return {
    name: 'lazy-modules',
    setup(b) {
      b.onResolve({ filter: /^\./ }, async (args) => {
        if (args.namespace === 'lazy-module' || args.kind !== 'import-statement' || args.pluginData?.lazyChecked) return undefined;
        const resolved = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { lazyChecked: true } });
        if (resolved.errors.length || !lazy.has(resolved.path)) return undefined;
        return { path: resolved.path, namespace: 'lazy-module' };
      });
      b.onResolve({ filter: /\?run-now$/ }, (args) => ({ path: args.path.slice(0, -REAL.length) }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-module' }, async (args) => {
        const alone = await build({ absWorkingDir: root, entryPoints: [args.path], bundle: true, platform: 'node', format: 'esm', packages: 'external', metafile: true, write: false, logLevel: 'silent' });
        const exports = Object.values(alone.metafile.outputs)[0].exports;
        const getters = exports.map((k) => `  ${JSON.stringify(k)}: { enumerable: true, get: () => load()[${JSON.stringify(k)}] },`).join('\n');
        return {
          contents:
            `let loaded;\n` +
            `const load = () => (loaded ??= require(${JSON.stringify(args.path + REAL)}));\n` +
            `Object.defineProperties(module.exports, {\n${getters}\n});\n` +
            `Object.defineProperty(module.exports, '__esModule', { value: true });\n`,
          loader: 'js',
          resolveDir: root,
        };
      });
    },
  };
}

/**
 * Loads each package when the CLI first touches it, not when the CLI starts: `--help` or a typo then
 * answers without loading Temporal's protobufs, the PDF kit or the IMAP client. The bundle reads a
 * package's exports as properties of its module object, so each package is replaced by an object with
 * one getter per export (listed at build time) that requires the package on first read; its default
 * import reads the package's default export, or the whole module for a CommonJS package. A package
 * that cannot be listed here is left as it was, loaded at start.
 */
function lazyPackages() {
  const requireFromRoot = createRequire(join(root, 'package.json'));
  return {
    name: 'lazy-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.namespace === 'lazy-package' || args.path.startsWith('node:') || args.kind !== 'import-statement') return undefined;
        let keys;
        let esModule;
        try {
          const exported = requireFromRoot(args.path);
          if ((typeof exported !== 'object' && typeof exported !== 'function') || exported === null) return undefined;
          esModule = Boolean(exported.__esModule);
          const own = typeof exported === 'function' ? ['length', 'name', 'prototype', 'arguments', 'caller'] : [];
          keys = Object.getOwnPropertyNames(exported).filter((k) => !own.includes(k) && k !== 'default' && k !== '__esModule');
        } catch {
          return undefined;
        }
        return { path: args.path, namespace: 'lazy-package', pluginData: { keys, esModule } };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => {
        const { keys, esModule } = args.pluginData;
        // The default import is the package's own default export, or the whole CommonJS module.
        const getters = [
          ...keys.map((k) => `  ${JSON.stringify(k)}: { enumerable: true, get: () => load()[${JSON.stringify(k)}] },`),
          `  "default": { enumerable: true, get: () => ${esModule ? 'load().default' : 'load()'} },`,
        ].join('\n');
        return {
          contents:
            `let loaded;\n` +
            `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));\n` +
            `Object.defineProperties(module.exports, {\n${getters}\n});\n` +
            // Marked as an ES module so the bundle reads \`default\` through the getter above.
            `Object.defineProperty(module.exports, '__esModule', { value: true });\n`,
          loader: 'js',
          resolveDir: root,
        };
      });
    },
  };
}
