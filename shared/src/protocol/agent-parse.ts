import { z } from "zod";
import { err, ok, type Result } from "../result.ts";
import { AgentToEdge, EdgeToAgent } from "./agent.ts";
import { utf8Length } from "./utf8.ts";
import { MAX_AGENT_FRAME_BYTES } from "./version.ts";

/** Why a raw frame was refused; becomes an `error` frame (or close 1009 for TOO_LARGE). */
export type FrameProblem =
  | { code: "TOO_LARGE"; bytes: number }
  | { code: "MALFORMED_FRAME"; message: string; ref?: string }
  | { code: "UNKNOWN_TYPE"; type: string; ref?: string };

const Head = z.object({ id: z.string().min(1).max(100).optional(), type: z.string().max(100) });

const typesOf = (schema: typeof AgentToEdge | typeof EdgeToAgent): ReadonlySet<string> =>
  new Set(schema.options.map((o) => o.shape.type.value));

const AGENT_TYPES = typesOf(AgentToEdge);
const EDGE_TYPES = typesOf(EdgeToAgent);

function parseWith<TFrame>(
  raw: string,
  known: ReadonlySet<string>,
  schema: z.ZodType<TFrame>,
): Result<TFrame, FrameProblem> {
  // string length undercounts bytes by at most 3x; only pay for the exact count near the limit
  if (raw.length * 3 > MAX_AGENT_FRAME_BYTES) {
    const bytes = utf8Length(raw);
    if (bytes > MAX_AGENT_FRAME_BYTES) return err({ code: "TOO_LARGE", bytes });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return err({ code: "MALFORMED_FRAME", message: "frame is not JSON" });
  }
  const head = Head.safeParse(json);
  if (!head.success) return err({ code: "MALFORMED_FRAME", message: "frame has no string `type`" });
  const ref = head.data.id;
  if (!known.has(head.data.type)) return err({ code: "UNKNOWN_TYPE", type: head.data.type, ref });
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    return err({
      code: "MALFORMED_FRAME",
      message: `invalid ${head.data.type}: ${where}`.slice(0, 500),
      ref,
    });
  }
  return ok(parsed.data);
}

/** Validates a frame the edge received from an agent. */
export const parseAgentFrame = (raw: string) => parseWith(raw, AGENT_TYPES, AgentToEdge);

/** Validates a frame the agent received from the edge. */
export const parseEdgeFrame = (raw: string) => parseWith(raw, EDGE_TYPES, EdgeToAgent);
