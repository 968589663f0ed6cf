import { z } from "zod";

/** The one JSON line the Go launcher prints on stdout once it serves requests. */
export const ReadyLine = z.object({
  event: z.literal("ready"),
  url: z.url(),
  username: z.string(),
  password: z.string(),
  certFile: z.string().optional(),
  keyFile: z.string().optional(),
  sha256: z.string().optional(),
  sha1: z.string().optional(),
  templatePath: z.string(),
  stock: z.boolean(),
  pid: z.number().int(),
});
export type ReadyLine = z.infer<typeof ReadyLine>;
