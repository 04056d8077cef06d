import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests with no I/O beyond loopback HTTP, and integration tests on real
// PostgreSQL, SQLite and Kafka (the broker is provided once per run by the global setup).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/kafka-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
