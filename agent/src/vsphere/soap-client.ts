import type { Agent } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { faultFromSoap, VsphereFault } from "./faults.ts";
import { RoundTripCounter } from "./round-trips.ts";
import { createHttpAgent, type TlsSettings } from "./tls.ts";
import type { MoRef } from "./values.ts";
import { child, parseXml, type XmlElement } from "./xml.ts";
import { ref, serialize, type XmlNode } from "./xml-write.ts";

export interface SoapCallOptions {
  signal?: AbortSignal | undefined;
  /** Overrides the client's default per-call timeout (long polls need more). */
  timeoutMs?: number | undefined;
  /** A per-job counter; the client's own counter always counts too. */
  counter?: RoundTripCounter | undefined;
}

export interface SoapClientSettings extends TlsSettings {
  endpoint: URL;
  apiVersion: string;
  timeoutMs: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENVELOPE_CLOSE = "</soapenv:Body></soapenv:Envelope>";
const SESSION_COOKIE = "vmware_soap_session";

// certificate problems do not heal by retrying; everything else on the wire might
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|UNABLE_TO_GET_ISSUER/;

/** The request body of one vim25 call: `<method xmlns="urn:vim25"><_this/>…</method>`. */
export function buildEnvelope(method: string, thisRef: MoRef, body: readonly XmlNode[]): string {
  const call = serialize({
    name: method,
    attrs: { xmlns: "urn:vim25" },
    children: [ref("_this", thisRef), ...body],
  });
  return `${ENVELOPE_OPEN}${call}${ENVELOPE_CLOSE}`;
}

/**
 * One HTTP(S) POST per vim25 call over a keep-alive agent; holds the session cookie.
 * It never logs bodies: Login carries the password and responses carry the cookie.
 */
export class SoapClient {
  readonly roundTrips = new RoundTripCounter();
  readonly #settings: SoapClientSettings;
  readonly #agent: Agent;
  #cookie: string | undefined;

  constructor(settings: SoapClientSettings) {
    this.#settings = settings;
    this.#agent = createHttpAgent(settings.endpoint, settings);
  }

  get hasSession(): boolean {
    return this.#cookie !== undefined;
  }

  /** Forget the session cookie (before a re-login: vcsim refuses Login on a live cookie). */
  clearSession(): void {
    this.#cookie = undefined;
  }

  close(): void {
    this.#agent.destroy();
  }

  /** Invoke `method` on `thisRef`; resolves to the `<methodResponse>` element, throws VsphereFault. */
  async call(
    method: string,
    thisRef: MoRef,
    body: readonly XmlNode[],
    options: SoapCallOptions = {},
  ): Promise<XmlElement> {
    this.roundTrips.add(method);
    options.counter?.add(method);
    const { status, text, cookie } = await this.#post(buildEnvelope(method, thisRef, body), options);
    if (cookie !== undefined) this.#cookie = cookie;
    let envelope: XmlElement;
    try {
      envelope = parseXml(text);
    } catch (cause) {
      throw httpFault(status, `${method}: unparseable response`, cause);
    }
    const response = child(envelope, "Body")?.children[0];
    if (response?.name === "Fault") throw faultFromSoap(response, status);
    if (status !== 200 || response === undefined) throw httpFault(status, `${method}: unexpected response`);
    return response;
  }

  #post(
    payload: string,
    options: SoapCallOptions,
  ): Promise<{ status: number; text: string; cookie: string | undefined }> {
    const { endpoint, apiVersion } = this.#settings;
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#settings.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const send = endpoint.protocol === "http:" ? httpRequest : httpsRequest;
    const data = Buffer.from(payload, "utf8");
    return new Promise((resolve, reject) => {
      const fail = (cause: unknown) => {
        if (options.signal?.aborted) reject(options.signal.reason);
        else if (timeout.aborted)
          reject(transportFault("RequestTimeout", "vCenter did not answer in time", cause));
        else reject(cause instanceof VsphereFault ? cause : connectionFault(cause));
      };
      const req = send(
        endpoint,
        {
          method: "POST",
          agent: this.#agent,
          signal,
          headers: {
            "Content-Type": "text/xml; charset=utf-8",
            SOAPAction: `"urn:vim25/${apiVersion}"`,
            "Content-Length": data.length,
            ...(this.#cookie !== undefined && { Cookie: this.#cookie }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) req.destroy(httpFault(res.statusCode ?? 0, "response too large"));
            else chunks.push(chunk);
          });
          res.on("error", fail);
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString("utf8"),
              cookie: sessionCookie(res.headers["set-cookie"]),
            }),
          );
        },
      );
      req.on("error", fail);
      req.end(data);
    });
  }
}

function sessionCookie(headers: string[] | undefined): string | undefined {
  for (const header of headers ?? []) {
    const pair = header.split(";")[0]?.trim();
    if (pair?.startsWith(`${SESSION_COOKIE}=`)) return pair;
  }
  return undefined;
}

function transportFault(name: string, message: string, cause: unknown, retryable?: boolean): VsphereFault {
  return new VsphereFault({
    name,
    message,
    source: "transport",
    cause,
    ...(retryable !== undefined && { retryable }),
  });
}

function httpFault(status: number, message: string, cause?: unknown): VsphereFault {
  return new VsphereFault({
    name: "HttpError",
    message: `HTTP ${status}: ${message}`,
    source: "transport",
    httpStatus: status,
    retryable: status >= 500 || status === 429,
    cause,
  });
}

function connectionFault(cause: unknown): VsphereFault {
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : "";
  const message = cause instanceof Error ? cause.message : String(cause);
  if (TLS_CODES.test(code)) return transportFault("TlsError", `TLS: ${message}`, cause, false);
  return transportFault("ConnectionError", `${code || "connection failed"}: ${message}`, cause);
}
