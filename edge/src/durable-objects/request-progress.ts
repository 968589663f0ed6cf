import { DurableObject } from "cloudflare:workers";

/**
 * Responsibilities: one object per provisioning request. Fans live progress out to browsers;
 * a cache of the D1 log, never the truth.
 */
export class RequestProgress extends DurableObject<Env> {
  async ping(): Promise<string> {
    return "pong";
  }
}
