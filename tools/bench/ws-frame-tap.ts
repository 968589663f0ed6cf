import { constants, createInflateRaw, type InflateRaw } from "node:zlib";
import type { ChunkTap, Direction } from "./wan-proxy.ts";

/** One WebSocket text message seen on the wire, with when the proxy saw its last byte. */
export interface TappedMessage {
  connection: number;
  direction: Direction;
  at: number;
  text: string;
}

const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * Reads one direction of a connection as an HTTP/1.1 upgrade followed by RFC 6455 frames, and hands
 * every complete text message on with the moment its last frame arrived. Client frames are masked
 * (unmasked here); compressed messages (permessage-deflate, RSV1, which `ws` and Miniflare negotiate)
 * are inflated with one context per direction, as the sender keeps one. A connection that did not
 * upgrade is left alone. Not a general WebSocket implementation: enough to count the agent protocol's
 * frames without touching either end.
 */
class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private upgraded = false;
  private ignored = false;
  private fragments: Buffer[] = [];
  private compressed = false;
  private inflater: InflateRaw | null = null;
  private inflating: Promise<void> = Promise.resolve();

  constructor(private readonly onText: (text: string, at: number) => void) {}

  feed(chunk: Buffer): void {
    if (this.ignored) return;
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.upgraded) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString("latin1");
      if (!/^HTTP\/1\.1 101 |upgrade: websocket/im.test(head)) {
        this.ignored = true;
        return;
      }
      this.upgraded = true;
      this.buffer = this.buffer.subarray(end + HEADER_END.length);
    }
    while (this.nextFrame()) {
      // one frame at a time until the buffer holds no complete frame
    }
  }

  private nextFrame(): boolean {
    const b = this.buffer;
    if (b.length < 2) return false;
    const fin = ((b[0] ?? 0) & 0x80) !== 0;
    const compressed = ((b[0] ?? 0) & 0x40) !== 0;
    const opcode = (b[0] ?? 0) & 0x0f;
    const masked = ((b[1] ?? 0) & 0x80) !== 0;
    let length = (b[1] ?? 0) & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return false;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return false;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    const maskAt = offset;
    if (masked) offset += 4;
    if (b.length < offset + length) return false;
    const payload = Buffer.from(b.subarray(offset, offset + length));
    if (masked)
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (b[maskAt + (i % 4)] ?? 0);
    this.buffer = b.subarray(offset + length);
    // text (1) or continuation (0) of a text message; control frames (ping, pong, close) are not messages
    if (opcode === 1 || opcode === 0) {
      if (opcode === 1) this.compressed = compressed;
      this.fragments.push(payload);
      if (fin) {
        const message = Buffer.concat(this.fragments);
        this.fragments = [];
        const at = performance.now();
        if (this.compressed) this.inflate(message, at);
        else this.onText(message.toString("utf8"), at);
      }
    }
    return true;
  }

  /** One compressed message, in order after the ones before it (the context spans messages). */
  private inflate(message: Buffer, at: number): void {
    if (!this.inflater) {
      this.inflater = createInflateRaw();
      // a stream we cannot inflate (an extension we do not know) is left alone from then on
      this.inflater.on("error", () => {
        this.ignored = true;
      });
    }
    const inflater = this.inflater;
    this.inflating = this.inflating.then(
      () =>
        new Promise<void>((resolve) => {
          const out: Buffer[] = [];
          const take = (chunk: Buffer) => out.push(chunk);
          inflater.on("data", take);
          inflater.write(Buffer.concat([message, Buffer.from([0x00, 0x00, 0xff, 0xff])]));
          inflater.flush(constants.Z_SYNC_FLUSH, () => {
            inflater.off("data", take);
            this.onText(Buffer.concat(out).toString("utf8"), at);
            resolve();
          });
        }),
    );
  }
}

/**
 * A proxy tap that collects every WebSocket text message passing through, each with when the proxy saw
 * it (inflating may append a message a moment later: sort by `at` for the order on the wire).
 */
export class WsFrameTap {
  readonly messages: TappedMessage[] = [];
  private readonly readers = new Map<string, FrameReader>();

  readonly tap: ChunkTap = ({ connection, direction, chunk }) => {
    const key = `${connection}:${direction}`;
    let reader = this.readers.get(key);
    if (!reader) {
      reader = new FrameReader((text, at) => this.messages.push({ connection, direction, at, text }));
      this.readers.set(key, reader);
    }
    reader.feed(chunk);
  };

  /** Forgets what was collected (between runs). */
  clear(): void {
    this.messages.length = 0;
  }
}
