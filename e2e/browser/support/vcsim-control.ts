import { readFileSync } from "node:fs";
import { request } from "node:https";

export interface VcsimEndpoint {
  sdkUrl: string;
  caFile: string | null;
}

/** One call to the simulator launcher's control API (`/_gantry/*`), trusting its self-signed certificate. */
export function vcsimControl(endpoint: VcsimEndpoint, path: string, body: unknown): Promise<void> {
  const url = new URL(`/_gantry/${path}`, endpoint.sdkUrl);
  const json = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(json) },
        ...(endpoint.caFile ? { ca: readFileSync(endpoint.caFile) } : {}),
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 200
            ? resolve()
            : reject(new Error(`vcsim control ${path} answered ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(json);
  });
}

/** Fails the next `method` call whose SOAP body contains `match` with the vSphere fault `fault`. */
export const injectVcsimFault = (
  endpoint: VcsimEndpoint,
  rule: { method: string; match: string; fault: string },
): Promise<void> => vcsimControl(endpoint, "faults", { ...rule, count: 1 });

/** Makes the simulator's clone take `ms` (it reports progress in tenths meanwhile). */
export const setCloneDelay = (endpoint: VcsimEndpoint, ms: number): Promise<void> =>
  vcsimControl(endpoint, "settings", { taskDelays: { CloneVM_Task: ms } });

/** The simulator's view of a VM by name (`GET /_gantry/vm`): what vCenter really built. */
export function vcsimVm(endpoint: VcsimEndpoint, name: string): Promise<{ nics: { network: string }[] }> {
  const url = new URL(`/_gantry/vm?name=${encodeURIComponent(name)}`, endpoint.sdkUrl);
  return new Promise((resolve, reject) => {
    const req = request(url, endpoint.caFile ? { ca: readFileSync(endpoint.caFile) } : {}, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        if (res.statusCode !== 200) return reject(new Error(`vcsim vm ${name} answered ${res.statusCode}`));
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as { nics: { network: string }[] });
      });
    });
    req.on("error", reject);
    req.end();
  });
}
