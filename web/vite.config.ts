import { defineConfig } from "vite";
import solid from "vite-plugin-solid";
import { headersFile } from "./headers-file-plugin.ts";
import { initialSize } from "./initial-size-plugin.ts";

export default defineConfig({
  plugins: [solid(), initialSize(), headersFile()],
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
  // during `vite dev` the API lives on the local edge
  server: {
    proxy: {
      "/trpc": "http://127.0.0.1:8787",
      "/auth": "http://127.0.0.1:8787",
      "/exports": "http://127.0.0.1:8787",
    },
  },
});
