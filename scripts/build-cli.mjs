import { build } from 'esbuild';
const t=Date.now();
await build({ entryPoints: ['client/cli.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: 'dist/cli.js', packages: 'external', sourcemap: true, logLevel: 'warning', metafile: true });
console.log('built in', Date.now()-t, 'ms');
