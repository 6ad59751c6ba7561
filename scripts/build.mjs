// Builds dist/: the sources and most dependencies bundled by esbuild into ES modules, split at the
// dynamic imports (each command's module is its own chunk), so a command loads a few files
// instead of ~600 modules and Node strips no types at start-up. Run by `npm ci` (prepare) and
// `npm run build`. bin/helpdesk runs dist/ while it is newer than every source it was built
// from (dist/inputs.json), else the sources: development needs no build step.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // PGlite loads its WebAssembly and data files from beside its own modules; pg-native is an
  // optional binding of pg that is not installed.
  external: ['@electric-sql/pglite', '@electric-sql/pglite/*', 'pg-native'],
  // Bundled CommonJS (pg, cli-table3) calls require(): give the ES modules one.
  banner: { js: "import { createRequire as __helpdeskRequire } from 'node:module'; const require = __helpdeskRequire(import.meta.url);" },
  // MikroORM tells extensions and entities apart by their class names: keep them.
  keepNames: true,
  minify: true,
  metafile: true,
  logLevel: 'warning',
});
// The project's own inputs (not node_modules): bin/helpdesk falls back to the sources when
// any of them is newer than the build.
const inputs = Object.keys(result.metafile.inputs).filter((path) => !path.includes('node_modules/'));
writeFileSync(`${dist}/inputs.json`, JSON.stringify({ inputs: [...inputs, 'package.json'] }) + '\n');
