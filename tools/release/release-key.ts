import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { encodeSignature, sha256OfFile, signedStatement } from "@gantry/agent/upgrade/release-signature";
import { LOCAL_DIR } from "./repo-paths.ts";

/**
 * The Ed25519 key that signs releases. A real release passes its private key as a secret: a PKCS#8
 * PEM file named by GANTRY_RELEASE_KEY_FILE (`openssl genpkey -algorithm ed25519`). Without one, a
 * development key is generated once in .gantry/release/ (git-ignored): agents built with it trust only
 * releases built on this machine.
 */
export interface ReleaseKey {
  privateKey: KeyObject;
  /** base64 SPKI DER: what is compiled into the agent */
  publicKey: string;
  source: string;
}

export const DEV_KEY_FILE = path.join(LOCAL_DIR, "dev-release-key.pem");

export function loadReleaseKey(env: NodeJS.ProcessEnv = process.env): ReleaseKey {
  const file = env.GANTRY_RELEASE_KEY_FILE;
  if (file) return fromPem(readFileSync(file, "utf8"), file);
  if (!existsSync(DEV_KEY_FILE)) {
    mkdirSync(path.dirname(DEV_KEY_FILE), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync("ed25519");
    writeFileSync(DEV_KEY_FILE, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
  }
  return fromPem(readFileSync(DEV_KEY_FILE, "utf8"), `${DEV_KEY_FILE} (development key)`);
}

function fromPem(pem: string, source: string): ReleaseKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`${source}: not an Ed25519 private key`);
  const publicKey = createPublicKey(privateKey).export({ format: "der", type: "spki" }).toString("base64");
  return { privateKey, publicKey, source };
}

/** Writes `<file>.sig`: the release key's signature of the file's SHA-256. */
export async function signFile(key: ReleaseKey, file: string): Promise<string> {
  const digest = await sha256OfFile(file);
  writeFileSync(`${file}.sig`, encodeSignature(sign(null, signedStatement(digest), key.privateKey)));
  return `${file}.sig`;
}
