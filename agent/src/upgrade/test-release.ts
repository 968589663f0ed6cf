import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type AgentRelease,
  RELEASE_KEYS,
  type ReleaseFile,
  releaseFileNames,
} from "@gantry/shared/releases/agent-release";
import { encodeSignature, signedStatement } from "./release-signature.ts";

/** A release key for tests: the private half signs, `publicKey` is what a build would compile in. */
export function testKey(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey: publicKey.export({ format: "der", type: "spki" }).toString("base64") };
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** A release of a small stand-in executable, signed by `key`; `tamper` changes the bytes after signing. */
export function testRelease(input: {
  version: string;
  key: { privateKey: KeyObject };
  executable?: Buffer;
  tamper?: "bytes-and-checksum" | "bytes-only";
}) {
  const exe = input.executable ?? Buffer.from(`#!/bin/sh\necho ${input.version}\n`);
  const sig = Buffer.from(encodeSignature(sign(null, signedStatement(sha256(exe)), input.key.privateKey)));
  const served = input.tamper ? Buffer.concat([exe, Buffer.from("# injected\n")]) : exe;
  const names = releaseFileNames(input.version, "x64");
  const entry = (name: string, kind: ReleaseFile["kind"], data: Buffer, listed = data): ReleaseFile => ({
    name,
    kind,
    arch: "x64",
    size: listed.length,
    sha256: sha256(listed),
  });
  const manifest: AgentRelease = {
    version: input.version,
    publishedAt: new Date().toISOString(),
    files: [
      entry(names.executable, "executable", served, input.tamper === "bytes-only" ? exe : served),
      entry(names.signature, "signature", sig),
    ],
  };
  const objects = new Map<string, Buffer>([
    [RELEASE_KEYS.file(input.version, names.executable), served],
    [RELEASE_KEYS.file(input.version, names.signature), sig],
  ]);
  return { manifest, objects };
}

/** Serves releases the way the edge does (current manifest, files by version and name) from memory. */
export async function serveReleases(): Promise<{
  url: string;
  publish(release: ReturnType<typeof testRelease>): void;
  close(): Promise<void>;
}> {
  const objects = new Map<string, Buffer>();
  let current: AgentRelease | null = null;
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? "");
    if (url === "/agent/releases/current") {
      if (!current) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(current));
      return;
    }
    const match = /^\/agent\/releases\/([^/]+)\/([^/]+)$/.exec(url);
    const body = match ? objects.get(RELEASE_KEYS.file(match[1] ?? "", match[2] ?? "")) : undefined;
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    publish: (release) => {
      for (const [k, v] of release.objects) objects.set(k, v);
      current = release.manifest;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const tempStateDir = () => mkdtempSync(path.join(tmpdir(), "gantry-upgrade-"));
