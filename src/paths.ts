import { fileURLToPath } from 'node:url';

// The project's root directory. This file is src/paths.ts when run from the sources and is
// bundled into a chunk directly in dist/ (see bin/build.mjs): one level up is the root either
// way, so fixtures, migrations and package.json are found from both.
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
