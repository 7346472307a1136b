import { defineConfig } from "vite";

// Tauri expects a fixed port in dev and reads the build from dist/.
export default defineConfig({
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    target: "safari13",
    // Vite 8 no longer bundles esbuild, so `minify: "esbuild"` fails; default minifier in release.
    minify: !process.env.TAURI_ENV_DEBUG,
    sourcemap: !!process.env.TAURI_ENV_DEBUG,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    // Pillow's Lanczos resizes, the preview filter's independent reference.
    globalSetup: ["tests/unit/pillow-setup.mjs"],
  },
});
