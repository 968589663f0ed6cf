/**
 * The one message dev.ts sends the stack's owner over their channel: stop (again). Not the string
 * "shutdown", which Miniflare's own exit hook takes as "kill workerd and exit now".
 */
export const STOP_MESSAGE = { type: "stop" } as const;

export const isStopMessage = (message: unknown): boolean =>
  typeof message === "object" && message !== null && "type" in message && message.type === "stop";
