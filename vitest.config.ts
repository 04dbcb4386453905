import { defineConfig } from 'vitest/config';

/** Tests run against the TypeScript sources through our own `sse-rx-source` export condition (not `source`: peers such as eventsource-parser publish that one): no build first. */
// Then Vite's default server conditions; adding `import` here breaks CJS packages such as Express 5.
const conditions = ['sse-rx-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // The JSON report feeds the `N passed, N failed` line that .ci/run prints.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
