import { defineConfig, type Options } from 'tsup';

/** The one build of every package: ESM + CJS + `.d.ts` from `src/index.ts` into `dist/`. */
export const baseConfig: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  tsconfig: '../../tsconfig.base.json',
};

export default defineConfig(baseConfig);
