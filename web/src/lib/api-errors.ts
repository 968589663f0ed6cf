import { isTRPCClientError } from "@trpc/client";

/** The tRPC error code of a failed call (`NOT_FOUND`, `CONFLICT`, …), if it was one. */
export function errorCode(error: unknown): string | null {
  if (!isTRPCClientError(error)) return null;
  const data: unknown = error.data;
  if (typeof data === "object" && data !== null && "code" in data && typeof data.code === "string") {
    return data.code;
  }
  return null;
}

export const isNotFound = (error: unknown) => errorCode(error) === "NOT_FOUND";
export const isUnauthorized = (error: unknown) => errorCode(error) === "UNAUTHORIZED";
export const isConflict = (error: unknown) => errorCode(error) === "CONFLICT";

export const asSentence = (text: string) =>
  `${text.charAt(0).toUpperCase()}${text.slice(1).replace(/\.?$/, ".")}`;

/** A sentence a person can act on, never a stack trace. */
export function plainMessage(error: unknown): string {
  const code = errorCode(error);
  // the edge words its domain refusals for people ("you cannot approve or reject your own request")
  if (
    (code === "PRECONDITION_FAILED" || code === "FORBIDDEN" || code === "CONFLICT") &&
    isTRPCClientError(error) &&
    error.message
  ) {
    return asSentence(error.message);
  }
  switch (code) {
    case "UNAUTHORIZED":
      return "Your session has ended. Please sign in again.";
    case "FORBIDDEN":
      return "You do not have permission to do that.";
    case "NOT_FOUND":
      return "We could not find that. It may have been removed, or it belongs to someone else.";
    case "CONFLICT":
      return "Someone else changed this in the meantime. Reload to see the latest state.";
    case "TOO_MANY_REQUESTS":
      return "Too many attempts. Please wait a moment and try again.";
    case "BAD_REQUEST":
      return "Some fields need attention.";
    case null:
      return "We could not reach Gantry. Check your connection and try again.";
    default:
      return "Something went wrong on our side. Please try again in a moment.";
  }
}
