import { base64url, sha256Hex } from "../tenancy/credentials.ts";

/**
 * A personal API token's secret: `gpt_` and 256 random bits (base64url). The prefix makes a leaked token
 * recognisable to secret scanners and tells the edge to look it up instead of verifying an OIDC JWT.
 * Only its SHA-256 is stored; a use is one lookup by that hash, so no comparison of secrets happens here.
 */
export const API_TOKEN_PREFIX = "gpt_";
const SHAPE = /^gpt_[A-Za-z0-9_-]{43}$/;

export const newApiTokenSecret = (): string =>
  `${API_TOKEN_PREFIX}${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;

/** Whether a bearer value is meant as one of our API tokens (then it is never tried as an OIDC JWT). */
export const looksLikeApiToken = (value: string): boolean => value.startsWith(API_TOKEN_PREFIX);

/** Whether it could be one of ours at all: anything else is refused without a D1 read. */
export const isApiTokenSecret = (value: string): boolean => SHAPE.test(value);

/** What the api_tokens table stores for a secret: its SHA-256, hex. */
export const apiTokenHash = (secret: string): Promise<string> => sha256Hex(secret);

export const newApiTokenId = (): string => `tok_${crypto.randomUUID().replaceAll("-", "")}`;
