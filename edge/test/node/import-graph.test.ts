import path from "node:path";
import { describe, expect, it } from "vitest";
import { importCycles, mutualPairs, readImportGraph, unitEdges, unitOf } from "./import-graph.ts";

const SRC = path.resolve(import.meta.dirname, "../../src");

/**
 * The layers of edge/src, top to bottom (the README's "Edge layout" says the same). A folder, or a file
 * at the root of src, imports only from layers below its own; units sharing a layer never import each
 * other. A new folder gets its place here, which is the moment to decide what it may depend on.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["index.ts"],
  ["app.ts"],
  ["http", "trpc"],
  ["agent-hub", "request-progress"],
  ["deps.ts"],
  ["commands", "notifications"],
  ["tenant-feed", "projections"],
  ["auth"],
  ["tenancy"],
  ["provisioning", "event-store", "streams", "releases"],
  ["stubs.ts", "env.ts", "log.ts"],
];

const layerOf = new Map(LAYERS.flatMap((units, depth) => units.map((u) => [u, depth] as const)));
const graph = readImportGraph(SRC);

describe("the import graph of edge/src", () => {
  it("is read from the real tree (the checks below are not vacuous)", () => {
    expect(graph.imports.get("index.ts")).toContain("app.ts");
    expect(unitEdges(graph).get("commands")?.has("event-store")).toBe(true);
    expect(graph.files.length).toBeGreaterThan(100);
  });

  it("has no two folders that import each other", () => {
    expect(mutualPairs(graph)).toEqual([]);
  });

  it("has no file in an import circle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("places every folder and root file in a layer", () => {
    const units = [...new Set(graph.files.map(unitOf))].sort();
    expect(units.filter((u) => !layerOf.has(u))).toEqual([]);
  });

  it("imports only downwards, from the layers listed above", () => {
    const upwards: string[] = [];
    for (const [from, targets] of unitEdges(graph)) {
      for (const [to, evidence] of targets) {
        const [a, b] = [layerOf.get(from), layerOf.get(to)];
        if (a === undefined || b === undefined || a >= b) upwards.push(evidence);
      }
    }
    expect(upwards).toEqual([]);
  });

  it("never reaches out of src (the dev Worker and tests import src, never the other way)", () => {
    const outside = [...graph.imports].flatMap(([from, targets]) =>
      [...targets].filter((t) => t.startsWith("..")).map((t) => `${from} → ${t}`),
    );
    expect(outside).toEqual([]);
  });
});

describe("the import graph checks", () => {
  const fake = (imports: Record<string, string[]>) => ({
    root: "/",
    files: Object.keys(imports),
    imports: new Map(Object.entries(imports).map(([f, t]) => [f, new Set(t)])),
  });

  it("find a pair of folders importing each other", () => {
    const g = fake({ "a/x.ts": ["b/y.ts"], "b/y.ts": [], "b/z.ts": ["a/w.ts"], "a/w.ts": [] });
    expect(mutualPairs(g)).toEqual(["a ↔ b: a/x.ts → b/y.ts; b/z.ts → a/w.ts"]);
  });

  it("find a circle of files, however long", () => {
    const g = fake({ "a.ts": ["b/c.ts"], "b/c.ts": ["b/d.ts"], "b/d.ts": ["a.ts"], "e.ts": ["a.ts"] });
    expect(importCycles(g)).toEqual([["a.ts", "b/c.ts", "b/d.ts"]]);
  });
});
