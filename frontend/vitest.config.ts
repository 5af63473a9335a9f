import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

// Dates in component tests are rendered in a fixed zone, whatever the machine's: the forked workers inherit it.
process.env.TZ = 'America/Mexico_City';

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'jsdom',
      include: ['src/**/*.spec.{ts,tsx}'],
      setupFiles: ['src/test/setup.ts'],
      restoreMocks: true,
      // Whole pages render in jsdom on a shared 2-core CI machine: 5 s (the default) times out under load.
      testTimeout: 20_000,
    },
  }),
);
