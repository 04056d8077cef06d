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
          // Loopback HTTP and simulator round trips: quick when idle, several times slower on a
          // loaded machine, which must not fail them.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/kafka-global-setup.ts'],
          // Generous: under a competing CPU load these tests take several times their idle time,
          // and a limit is only reached by a test that hangs (test/support/lpprov-cli.ts).
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
