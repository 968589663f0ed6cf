import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

/**
 * Prints the JavaScript a first visit downloads before any page chunk: the entry and everything it
 * imports statically, gzipped. Lazy pages are not counted; the README quotes this line.
 */
export function initialSize(): Plugin {
  return {
    name: "gantry-initial-size",
    apply: "build",
    generateBundle(_options, bundle) {
      const chunks = new Map<string, { code: string; imports: string[] }>();
      for (const [fileName, item] of Object.entries(bundle)) {
        if (item.type === "chunk") chunks.set(fileName, { code: item.code, imports: item.imports });
      }
      const entry = Object.values(bundle).find((item) => item.type === "chunk" && item.isEntry);
      if (!entry) return;
      const seen = new Set<string>();
      const visit = (fileName: string) => {
        if (seen.has(fileName)) return;
        seen.add(fileName);
        for (const dep of chunks.get(fileName)?.imports ?? []) visit(dep);
      };
      visit(entry.fileName);
      let raw = 0;
      let gzip = 0;
      for (const fileName of seen) {
        const code = chunks.get(fileName)?.code ?? "";
        raw += Buffer.byteLength(code);
        gzip += gzipSync(code, { level: 9 }).byteLength;
      }
      const kb = (n: number) => (n / 1000).toFixed(1);
      this.info(`initial JavaScript: ${kb(raw)} kB, ${kb(gzip)} kB gzip (${seen.size} files)`);
    },
  };
}
