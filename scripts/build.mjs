// Builds dist/: the sources and most dependencies bundled by esbuild into ES modules, split at the
// dynamic imports (each command's module is its own chunk), so a command loads a few files
// instead of ~600 modules and Node strips no types at start-up. Run by `npm ci` (prepare) and
// `npm run build`. bin/helpdesk runs dist/ while it is newer than every source it was built
// from (dist/inputs.json), else the sources: development needs no build step.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;

/**
 * Built-in modules a command line rarely needs, kept off the start-up path of every command.
 * commander imports node:child_process (for executable sub-commands, which helpdesk has none
 * of) and node:util (for stripVTControlCharacters, used when help is formatted); chalk's
 * supports-color imports node:os and node:tty to guess a default colour level that helpdesk never
 * uses (src/output/style.ts gives every Chalk instance its level). Leaving those four built-ins
 * out made `helpdesk --help` ~10 ms faster on this machine (A/B of the two bundles, 31 rounds;
 * node -e 0: ~75 ms). Here commander gets
 * each built-in on first use (process.getBuiltinModule) and chalk its own browser
 * supports-color, which imports nothing. A commander that no longer has the expected import
 * lines fails the build, so an upgrade cannot silently bring the cost back.
 */
const leanStartup = {
  name: 'lean-startup',
  setup(build) {
    const lazy = {
      "import childProcess from 'node:child_process';": "const childProcess = { spawn: (...args) => process.getBuiltinModule('node:child_process').spawn(...args) };",
      "import { stripVTControlCharacters } from 'node:util';": "const stripVTControlCharacters = (text) => process.getBuiltinModule('node:util').stripVTControlCharacters(text);",
    };
    build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/](command|help)\.js$/ }, ({ path }) => {
      let contents = readFileSync(path, 'utf8');
      for (const [line, replacement] of Object.entries(lazy)) {
        if (path.endsWith('help.js') && line.includes('child_process')) continue;
        if (!contents.includes(line)) throw new Error(`lean-startup: ${path} no longer has the line ${line}: check src/cli still starts without it`);
        contents = contents.replace(line, replacement);
      }
      return { contents, loader: 'js' };
    });
    build.onResolve({ filter: /^#supports-color$/ }, ({ importer }) => ({ path: `${importer.slice(0, importer.lastIndexOf('source'))}source/vendor/supports-color/browser.js` }));
  },
};

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
  plugins: [leanStartup],
  metafile: true,
  logLevel: 'warning',
});
// The project's own inputs (not node_modules): bin/helpdesk falls back to the sources when
// any of them is newer than the build.
const inputs = Object.keys(result.metafile.inputs).filter((path) => !path.includes('node_modules/'));
writeFileSync(`${dist}/inputs.json`, JSON.stringify({ inputs: [...inputs, 'package.json'] }) + '\n');
// Which packages each file of the bundle holds (minified, the bundle names none of them): the
// process tests check by it that a command loads no ORM or driver. Not read at run time.
const packageOf = (path) => path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];
const packages = Object.fromEntries(
  Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => [file.slice(file.lastIndexOf('/') + 1), [...new Set(Object.keys(output.inputs).map(packageOf).filter(Boolean))].sort()]),
);
writeFileSync(`${dist}/packages.json`, JSON.stringify(packages, null, 1) + '\n');
