import type { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import type { VsphereClient } from "../vsphere/client.ts";
import { type Hardware, type NetworkTarget, parseHardware } from "../vsphere/devices.ts";
import { findByInventoryPath } from "../vsphere/methods/find-by-inventory-path.ts";
import { retrievePropertiesEx } from "../vsphere/methods/retrieve-properties-ex.ts";
import { byRef, type ObjectProps } from "../vsphere/property-spec.ts";
import type { RoundTripCounter } from "../vsphere/round-trips.ts";
import { type MoRef, refKey } from "../vsphere/values.ts";
import type { Vim } from "../vsphere/vim.ts";
import { ProvisioningStop } from "./failure/provisioning-stop.ts";

/** The morefs a job's placement resolves to, plus what the template looks like. */
export interface ResolvedPlacement {
  readonly template: MoRef;
  readonly templateHardware: Hardware;
  readonly baseFolder: MoRef;
  readonly pool: MoRef;
  readonly datastore: MoRef | undefined;
  readonly network: NetworkTarget;
}

const notFound = (what: string, path: string) =>
  new ProvisioningStop({
    code: what === "template" ? "TEMPLATE_NOT_FOUND" : "PLACEMENT_NOT_FOUND",
    userMessage: `The ${what} ${path} does not exist in vCenter; an admin has been told.`,
    detail: `FindByInventoryPath found no ${what} at ${path}`,
  });

const wrongKind = (what: string, path: string, ref: MoRef) =>
  new ProvisioningStop({
    code: "INVALID_SPEC",
    userMessage: `The ${what} ${path} is not usable for VMs; an admin has been told.`,
    detail: `${path} is a ${ref.type} (${ref.value}), not a ${what}`,
  });

export const placementKey = (job: ProvisionVmJob): string =>
  `placement:${JSON.stringify([job.placement.templatePath, job.placement.folderPath, job.placement.poolPath, job.placement.datastorePath ?? "", job.networkPath])}`;

/**
 * Resolve the job's paths to morefs, cached per client (= per session): five parallel lookups,
 * then one RetrievePropertiesEx for the template's devices, a cluster's root pool and a
 * portgroup's key and switch, and one more for a distributed switch's uuid.
 */
export function resolvePlacement(
  client: VsphereClient,
  job: ProvisionVmJob,
  counter: RoundTripCounter | undefined,
): Promise<ResolvedPlacement> {
  // no job signal here: the result is shared with other jobs and must not die with one of them
  return client.cache.get(placementKey(job), () => load(client, job, counter));
}

async function load(
  client: VsphereClient,
  job: ProvisionVmJob,
  counter: RoundTripCounter | undefined,
): Promise<ResolvedPlacement> {
  const vim = client.scope({ counter });
  const found = await findPlacementObjects(vim, job);
  const props = await readPlacementProperties(vim, found);
  const { template, baseFolder, datastore } = found;
  const templateHardware = parseHardware(props.get(refKey(template))?.raw.get("config.hardware.device"));
  const pool = rootPool(found.poolOrCompute, props);
  if (pool === undefined) throw notFound("resource pool", job.placement.poolPath);
  const network = await networkTarget(vim, job, { network: found.network, props });
  return { template, templateHardware, baseFolder, pool, datastore, network };
}

interface PlacementObjects {
  template: MoRef;
  baseFolder: MoRef;
  /** a resource pool or vApp, or a cluster or host whose root pool the clone goes to */
  poolOrCompute: MoRef;
  datastore: MoRef | undefined;
  network: MoRef;
}

const POOL_TYPES = ["ResourcePool", "ClusterComputeResource", "ComputeResource", "VirtualApp"];

/** The five paths looked up in parallel, each checked to exist and to be of a usable kind. */
async function findPlacementObjects(vim: Vim, job: ProvisionVmJob): Promise<PlacementObjects> {
  const { templatePath, folderPath, poolPath, datastorePath } = job.placement;
  const [template, baseFolder, poolOrCompute, datastore, network] = await Promise.all([
    findByInventoryPath(vim, templatePath),
    findByInventoryPath(vim, folderPath),
    findByInventoryPath(vim, poolPath),
    datastorePath === undefined ? undefined : findByInventoryPath(vim, datastorePath),
    findByInventoryPath(vim, job.networkPath),
  ]);
  if (template === undefined) throw notFound("template", templatePath);
  if (template.type !== "VirtualMachine") throw wrongKind("template", templatePath, template);
  if (baseFolder === undefined) throw notFound("folder", folderPath);
  if (baseFolder.type !== "Folder") throw wrongKind("folder", folderPath, baseFolder);
  if (poolOrCompute === undefined) throw notFound("resource pool", poolPath);
  if (!POOL_TYPES.includes(poolOrCompute.type)) throw wrongKind("resource pool", poolPath, poolOrCompute);
  if (datastorePath !== undefined && datastore === undefined) throw notFound("datastore", datastorePath);
  if (datastore !== undefined && datastore.type !== "Datastore")
    throw wrongKind("datastore", datastorePath ?? "", datastore);
  if (network === undefined) throw notFound("network", job.networkPath);
  if (network.type !== "Network" && network.type !== "DistributedVirtualPortgroup") {
    throw wrongKind("network", job.networkPath, network);
  }
  return { template, baseFolder, poolOrCompute, datastore, network };
}

const isCompute = (ref: MoRef) => ref.type !== "ResourcePool" && ref.type !== "VirtualApp";

/** One call for the template's devices, a cluster's or host's root pool and the network's identity. */
async function readPlacementProperties(vim: Vim, found: PlacementObjects): Promise<Map<string, ObjectProps>> {
  const { template, poolOrCompute, network } = found;
  return byRef(
    await retrievePropertiesEx(vim, [
      {
        propSet: [{ type: "VirtualMachine", paths: ["config.hardware.device"] }],
        objectSet: [{ obj: template }],
      },
      ...(isCompute(poolOrCompute)
        ? [
            {
              propSet: [{ type: poolOrCompute.type, paths: ["resourcePool"] }],
              objectSet: [{ obj: poolOrCompute }],
            },
          ]
        : []),
      network.type === "Network"
        ? { propSet: [{ type: "Network", paths: ["name"] }], objectSet: [{ obj: network }] }
        : {
            propSet: [
              { type: "DistributedVirtualPortgroup", paths: ["key", "config.distributedVirtualSwitch"] },
            ],
            objectSet: [{ obj: network }],
          },
    ]),
  );
}

/** The pool a clone goes to: the one named, or the root pool of the cluster or host named. */
function rootPool(poolOrCompute: MoRef, props: ReadonlyMap<string, ObjectProps>): MoRef | undefined {
  if (!isCompute(poolOrCompute)) return poolOrCompute;
  const raw = props.get(refKey(poolOrCompute))?.raw.get("resourcePool");
  return raw?.type === undefined ? undefined : { type: raw.type, value: raw.text };
}

/** How a NIC connects to the network: by name, or a distributed portgroup by its switch's uuid and key. */
async function networkTarget(
  vim: Vim,
  job: ProvisionVmJob,
  found: { network: MoRef; props: ReadonlyMap<string, ObjectProps> },
): Promise<NetworkTarget> {
  const { network } = found;
  const netProps = found.props.get(refKey(network));
  if (network.type === "Network") {
    return {
      kind: "standard",
      network,
      name: netProps?.text("name") ?? job.networkPath.split("/").pop() ?? "",
    };
  }
  const dvsRaw = netProps?.raw.get("config.distributedVirtualSwitch");
  const portgroupKey = netProps?.text("key");
  if (dvsRaw?.type === undefined || portgroupKey === undefined) throw notFound("network", job.networkPath);
  const dvs = { type: dvsRaw.type, value: dvsRaw.text };
  const [sw] = await retrievePropertiesEx(vim, [
    { propSet: [{ type: dvs.type, paths: ["uuid"] }], objectSet: [{ obj: dvs }] },
  ]);
  const switchUuid = sw?.text("uuid");
  if (switchUuid === undefined) throw notFound("distributed switch of", job.networkPath);
  return { kind: "distributed", switchUuid, portgroupKey };
}
