import { TRPCError } from "@trpc/server";
import type { CallFailure } from "../agent-hub/pending-calls.ts";

/** A call through a site's agent that did not get an answer, as the error tRPC clients understand. */
export function callError(error: CallFailure, siteName: string): TRPCError {
  switch (error.code) {
    case "NO_AGENT_CONNECTED":
      return new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `no agent connected for site ${siteName}`,
      });
    case "NO_AGENT_CAN_ANSWER":
      return new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `no connected agent of site ${siteName} can do this yet (${error.method}): update the agent, or give it a vCenter`,
      });
    case "CALL_TIMEOUT":
      return new TRPCError({
        code: "TIMEOUT",
        message: `the agent of site ${siteName} did not answer in ${error.timeoutMs} ms`,
      });
    case "AGENT_DISCONNECTED":
      return new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `the agent of site ${siteName} disconnected`,
      });
    case "TOO_MANY_CALLS":
      return new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: `the agents of site ${siteName} are already reading ${error.limit} VMs; try again in a moment`,
      });
  }
}
