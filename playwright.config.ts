import { defineConfig } from '@playwright/test';

/**
 * Debian's Chromium, never a downloaded one. Checked with `navigator.gpu.requestAdapter()` on
 * Chromium 156 (headless): `--enable-unsafe-webgpu` alone gives a SwiftShader adapter (vendor
 * google, architecture swiftshader, a fallback adapter: slow but correct); `--enable-features=Vulkan`
 * is not needed. Without that flag (or with `--disable-features=WebGPU`) `navigator.gpu` exists
 * but `requestAdapter()` resolves to null: the wasm project. WebGPU needs a secure context
 * (localhost is one).
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Another checkout's server on the same port would be tested silently: set E2E_PORT to run beside one. */
const port = Number(process.env.E2E_PORT ?? 4173);
const common = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export default defineConfig({
  testDir: 'e2e',
  timeout: 240_000,
  expect: { timeout: 120_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: { baseURL: `http://localhost:${port}`, screenshot: 'on', trace: 'off' },
  projects: [
    // the page's own behaviour (first screen, viewer, dataset zone, compare) does not depend on the
    // backend, and "auto" picks wasm beside SwiftShader anyway: those specs run once, in the wasm project
    { name: 'webgpu', testIgnore: /(wasm|experience|viewer|dataset-zone|compare|session|label)\.spec/, use: { launchOptions: { executablePath, args: ['--enable-unsafe-webgpu', ...common] } } },
    // Without --enable-unsafe-webgpu this Chromium exposes navigator.gpu but no adapter: the wasm path.
    // app.spec's smoke tests run in both projects (they assert the adapter per project).
    { name: 'wasm', testMatch: /(wasm|app|run-life|recipe|compare|dataset-zone|viewer|experience|session|label)\.spec/, use: { launchOptions: { executablePath, args: common } } },
  ],
  webServer: {
    // VITE_NO_CPU_FALLBACK: every WebGPU session refuses nodes that would run on the CPU (src/runtime/webgpu.ts)
    command: `VITE_NO_CPU_FALLBACK=1 npx vite build --logLevel warn && npx vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    // never test a server this run did not build (E2E_REUSE_SERVER=1 opts in, never in CI)
    reuseExistingServer: !process.env.CI && process.env.E2E_REUSE_SERVER === '1',
    timeout: 180_000,
  },
});
