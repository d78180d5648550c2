import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    globalSetup: ["test/setup/build-cli.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
