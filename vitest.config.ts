import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { labs: new URL('./labs', import.meta.url).pathname } },
  test: {
    include: ['labs/**/*.test.ts', 'src/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
