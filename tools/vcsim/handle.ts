import type { VcsimControl } from "./control.ts";

/** A running simulator, ours (`startVcsim`) or VCSIM_URL's (`externalVcsim`). */
export interface VcsimHandle {
  /** SDK endpoint, e.g. https://127.0.0.1:8989/sdk */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** PEM file to trust (the self-signed server certificate); absent without TLS. */
  readonly caFile?: string;
  /** SHA-256 thumbprint of the server certificate, "AA:BB:..." */
  readonly sha256?: string;
  readonly templatePath: string;
  /** True when this is VCSIM_URL's simulator: then `control` methods throw. */
  readonly external: boolean;
  readonly control: VcsimControl;
  stop(): Promise<void>;
}
