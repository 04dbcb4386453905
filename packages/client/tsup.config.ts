import { defineConfig, type Options } from 'tsup';
import { baseConfig } from '../../tsup.config.js';

/**
 * The shared build, except that the ESM build keeps one file per module (`bundle: false`). A user's
 * bundler then drops every module the app does not reach, its `rxjs` imports with it; in one
 * bundled file the imports of all modules sit at the top and are kept (an import from a package the
 * bundler leaves external may have side effects). The CJS build stays one file, for `require`.
 * `package.json`'s build script empties `dist` first, instead of `clean`: tsup cleans `.d.ts` files
 * when its type build starts, which can be while another package's type build reads them.
 */
export const builds: Options[] = [
  {
    ...baseConfig,
    format: ['esm'],
    entry: ['src/**/*.ts'],
    bundle: false,
    dts: { entry: 'src/index.ts' },
    clean: false,
  },
  { ...baseConfig, format: ['cjs'], clean: false },
];

export default defineConfig(builds);
