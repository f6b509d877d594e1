// End-to-end tests (e2e/): the real `eightfold serve` driven by Chromium through playwright-core.
// `npm test` (vite.config.ts) runs only the unit tests under src/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    // One server and one browser at a time; the tests share them within a file.
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
