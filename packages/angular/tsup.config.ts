import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.js';

/** The shared build, ESM only: Angular itself is ESM-only (a CommonJS build could not load it under node16 types). */
export default defineConfig({ ...baseConfig, format: ['esm'] });
