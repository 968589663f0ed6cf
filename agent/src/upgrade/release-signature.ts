import { createHash, createPublicKey, verify } from "node:crypto";
import { createReadStream } from "node:fs";

// A release file is signed by signing its SHA-256 (Ed25519 over a short, labelled statement of the
// digest), so a signer and a verifier stream files of any size and never hold them in memory. The
// signature file is that signature in base64 on one line.

const STATEMENT = "gantry-agent release signature v1";

/** The bytes the release key signs for a file with this SHA-256 (hex). */
export const signedStatement = (sha256Hex: string): Buffer =>
  Buffer.from(`${STATEMENT}\nsha256:${sha256Hex}\n`, "utf8");

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export const encodeSignature = (signature: Buffer) => `${signature.toString("base64")}\n`;

/** True when `signatureText` (a signature file's content) signs `sha256Hex` under `publicKey` (base64 SPKI DER). */
export function verifyDigestSignature(sha256Hex: string, signatureText: string, publicKey: string): boolean {
  const signature = Buffer.from(signatureText.trim(), "base64");
  if (signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey, "base64"), format: "der", type: "spki" });
    return verify(null, signedStatement(sha256Hex), key, signature);
  } catch {
    return false;
  }
}
