import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { labs: new URL('./labs', import.meta.url).pathname } },
  test: {
    include: ['labs/**/*.test.ts', 'src/**/*.test.ts', 'scripts/**/*.test.ts'],
    // No test's verdict may depend on how fast the machine is: a slow or busy machine runs the same tests to the same
    // result, only later. Runaway simulations end by their own event budgets (`maxEvents`), not by a clock.
    testTimeout: 0,
    hookTimeout: 0,
    setupFiles: ['./vitest.setup.ts'],
  },
});
