/** One job per request, always the same id: the hub and the agent deduplicate on it. */
export const jobIdFor = (requestId: string): string => `job-${requestId}`;

/** A request asks for exactly one VM, which shares its id; projections rely on this to route VM events. */
export const vmIdFor = (requestId: string): string => requestId;
export const requestIdOfVm = (vmId: string): string => vmId;
