import { defineConfig } from '@playwright/test';

/** Debian's Chromium, never a downloaded one. WebGPU runs on SwiftShader here (slow, correct). */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const common = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 120_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: { baseURL: 'http://localhost:4173', screenshot: 'only-on-failure', trace: 'off' },
  projects: [
    { name: 'webgpu', testIgnore: /wasm\.spec/, use: { launchOptions: { executablePath, args: ['--enable-unsafe-webgpu', ...common] } } },
    // Without --enable-unsafe-webgpu this Chromium exposes navigator.gpu but no adapter: the wasm path.
    { name: 'wasm', testMatch: /wasm\.spec/, use: { launchOptions: { executablePath, args: common } } },
  ],
  webServer: {
    command: 'npx vite build --logLevel warn && npx vite preview --port 4173 --strictPort',
    url: 'http://localhost:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
