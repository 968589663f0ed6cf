import { z } from "zod";

/** tRPC's tracked() events arrive as { id, data }; the data itself is validated with the shared schema. */
export const TrackedEvent = z.object({ id: z.string(), data: z.unknown() });
