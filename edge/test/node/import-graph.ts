import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** The relative imports of one source tree: files, and the imports between them. */
export interface ImportGraph {
  root: string;
  /** every .ts file under the root, relative to it, with `/` separators */
  files: string[];
  /** importing file → imported files (both relative to the root); imports leaving the root are kept as `../…` */
  imports: Map<string, Set<string>>;
}

// static imports and re-exports (`import … from`, `export … from`, `import "x"`) and dynamic `import("x")`;
// type-only imports count too: they couple the files just the same
const SPECIFIERS = [
  /^\s*(?:import|export)\s(?:[^;]*?\sfrom\s*)?["']([^"']+)["']/gm,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
];

function listTs(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) listTs(full, out);
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

const toKey = (root: string, file: string) => path.relative(root, file).split(path.sep).join("/");

/** Reads every `.ts` file under `root` (tests beside the code included) and resolves its relative imports. */
export function readImportGraph(root: string): ImportGraph {
  const files = listTs(root);
  const imports = new Map<string, Set<string>>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const targets = new Set<string>();
    for (const pattern of SPECIFIERS) {
      for (const match of text.matchAll(pattern)) {
        const spec = match[1];
        if (!spec?.startsWith(".")) continue;
        targets.add(toKey(root, path.resolve(path.dirname(file), spec)));
      }
    }
    imports.set(toKey(root, file), targets);
  }
  return { root, files: files.map((f) => toKey(root, f)), imports };
}

/** The unit a file belongs to: its top folder under the root, or the file itself when it sits at the root. */
export const unitOf = (file: string): string => file.split("/")[0] ?? file;

/** Unit → units it imports (never itself), with one importing file per edge as evidence. */
export function unitEdges(graph: ImportGraph): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const [from, targets] of graph.imports) {
    for (const to of targets) {
      if (to.startsWith("..")) continue;
      const [a, b] = [unitOf(from), unitOf(to)];
      if (a === b) continue;
      const out = edges.get(a) ?? new Map<string, string>();
      if (!out.has(b)) out.set(b, `${from} → ${to}`);
      edges.set(a, out);
    }
  }
  return edges;
}

/** Pairs of units that import each other, each named once, with an import of each direction. */
export function mutualPairs(graph: ImportGraph): string[] {
  const edges = unitEdges(graph);
  const pairs: string[] = [];
  for (const [a, out] of edges) {
    for (const [b, there] of out) {
      const back = edges.get(b)?.get(a);
      if (back && a < b) pairs.push(`${a} ↔ ${b}: ${there}; ${back}`);
    }
  }
  return pairs.sort();
}

/** Every import circle between files (strongly connected components larger than one file, or a self-import). */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const to of graph.imports.get(file) ?? []) {
      if (!graph.imports.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file) ?? 0, index.get(to) ?? 0));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
      if (member === file) break;
    }
    const selfImport = graph.imports.get(file)?.has(file) ?? false;
    if (component.length > 1 || selfImport) cycles.push(component.sort());
  };
  for (const file of graph.files) if (!index.has(file)) visit(file);
  return cycles;
}
