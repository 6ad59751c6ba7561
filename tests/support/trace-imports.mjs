// Preloaded with --import: reports every module resolved from a package, so a test can
// prove that `--help` never loads the ORM.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    if (result.url.includes('/node_modules/')) process.stderr.write(`loaded ${result.url}\n`);
    return result;
  },
});
