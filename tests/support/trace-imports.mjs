// Preloaded with --import: reports every module file resolved (packages, sources, bundle
// chunks), so a test can prove that `--help` never loads the ORM.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    if (result.url.startsWith('file:')) process.stderr.write(`loaded ${result.url}\n`);
    return result;
  },
});
