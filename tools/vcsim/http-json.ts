import http from "node:http";
import https from "node:https";

export interface JsonRequest {
  method: "GET" | "POST" | "DELETE";
  url: string;
  /** PEM trust anchor for https URLs (node's fetch cannot take one per request). */
  ca?: string;
  body?: unknown;
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

/** One JSON request over node:http(s); the body is parsed but not validated. */
export function requestJson(request: JsonRequest): Promise<JsonResponse> {
  const url = new URL(request.url);
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: request.method,
        ...(request.ca === undefined ? {} : { ca: request.ca }),
        headers: payload === undefined ? {} : { "content-type": "application/json" },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
          } catch (error) {
            reject(
              new Error(`${request.method} ${url.pathname}: not JSON: ${text.slice(0, 200)}`, {
                cause: error,
              }),
            );
          }
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
