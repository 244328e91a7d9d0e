import { defineConfig } from '@hey-api/openapi-ts';

// The output folder can be overridden so `client:check` can regenerate into a temp dir.
export default defineConfig({
  input: '../docs/openapi.json',
  output: {
    path: process.env.OPENAPI_TS_OUTPUT ?? 'src/client',
    postProcess: [],
  },
  plugins: [
    '@hey-api/client-fetch',
    '@hey-api/typescript',
    '@hey-api/sdk',
  ],
});
