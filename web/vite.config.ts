import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The build lands in dist/app, which package web embeds into the engine's binary (make web / make build).
// `npm run dev` serves the app with hot reload and sends API and WebSocket calls to a node on :8080.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist/app", emptyOutDir: true, target: "es2020", sourcemap: false, chunkSizeWarningLimit: 600 },
  server: {
    proxy: {
      "/api": "http://localhost:8080",
      "/ws": { target: "ws://localhost:8080", ws: true },
    },
  },
});
