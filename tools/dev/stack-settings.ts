import { z } from "zod";

/** What `npm run dev` hands the stack's owner process (as one JSON argument). */
export const StackSettings = z.object({
  stateDir: z.string().min(1),
  edgePort: z.number().int().min(1).max(65_535),
  vcsimPort: z.number().int().min(1).max(65_535),
  agents: z.number().int().min(0),
  buildWeb: z.boolean(),
  publishRelease: z.boolean(),
  echo: z.boolean(),
});
export type StackSettings = z.infer<typeof StackSettings>;
