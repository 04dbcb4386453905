import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.js';

/** The shared build, plus the `sse-rx-server/testing` entry (the EventStore contract suite) and `sse-rx-server/otel`. */
export default defineConfig({ ...baseConfig, entry: ['src/index.ts', 'src/testing.ts', 'src/otel.ts'] });
