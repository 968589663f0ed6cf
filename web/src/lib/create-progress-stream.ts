import type { ProgressFrame } from "@gantry/shared/protocol/progress";
import { type Accessor, createEffect, on, onCleanup } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import {
  type ConnectionState,
  makeProgressSocket,
  type SocketHandlers,
  type SocketLike,
} from "./make-progress-socket.ts";
import type { LiveProgress } from "./progress-state.ts";

export interface ProgressStream {
  progress: LiveProgress | null;
  connection: ConnectionState | "idle";
}

function browserSocket(path: string, handlers: SocketHandlers): SocketLike {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}${path}`);
  ws.onopen = () => handlers.onOpen();
  ws.onmessage = (event) => handlers.onMessage(event.data);
  ws.onclose = (event) => handlers.onClose(event.code);
  return {
    isOpen: () => ws.readyState === WebSocket.OPEN,
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
}

/**
 * Live progress of one request as a store (updated with `reconcile`, so only changed fields re-render).
 * Watches while `requestId()` is non-null; the socket closes with the owner.
 */
export function createProgressStream(
  requestId: Accessor<string | null>,
  options: { onDurableFrame?: (frame: ProgressFrame) => void } = {},
): ProgressStream {
  const [stream, setStream] = createStore<ProgressStream>({ progress: null, connection: "idle" });
  createEffect(
    on(requestId, (id) => {
      if (id === null) return;
      setStream({ progress: null, connection: "connecting" });
      const socket = makeProgressSocket({
        requestId: id,
        connect: browserSocket,
        onProgress: (progress, frame) => {
          setStream("progress", reconcile(progress));
          if (frame.type !== "percent") options.onDurableFrame?.(frame);
        },
        onConnection: (connection) => setStream("connection", connection),
      });
      onCleanup(() => socket.close());
    }),
  );
  return stream;
}
