import http from "node:http";
import https from "node:https";
import { at, find, kids, type Node, parseXml, textAt } from "./xml-tree.ts";

export interface MoRef {
  type: string;
  value: string;
}

export interface SoapReply {
  status: number;
  xml: string;
  /** The element inside soapenv:Body (the response or the Fault). */
  body: Node;
  /** The vim fault type of a SOAP fault, e.g. "InvalidLogin". */
  fault?: string;
}

export interface PropertyChange {
  obj: MoRef;
  name: string;
  op: string;
  val?: Node;
}

const ENVELOPE_OPEN =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENVELOPE_CLOSE = "</soapenv:Body></soapenv:Envelope>";

export const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export const moref = (name: string, ref: MoRef) => `<${name} type="${ref.type}">${esc(ref.value)}</${name}>`;

const PC: MoRef = { type: "PropertyCollector", value: "propertyCollector" };

/** A tiny test-only vim25 client: raw XML strings over node:https with the simulator's CA. */
export class SoapSession {
  readonly #url: URL;
  readonly #agent: http.Agent;
  #cookie: string | undefined;

  constructor(url: string, ca: string | undefined) {
    this.#url = new URL(url);
    this.#agent =
      this.#url.protocol === "https:"
        ? new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) })
        : new http.Agent({ keepAlive: true });
  }

  close(): void {
    this.#agent.destroy();
  }

  /**
   * Posts one method call; resolves with faults too, rejects only on transport errors or when
   * `signal` aborts (which also closes the connection, as a client's timeout would).
   */
  async call(method: string, self: MoRef, inner = "", signal?: AbortSignal): Promise<SoapReply> {
    const payload = `${ENVELOPE_OPEN}<${method} xmlns="urn:vim25">${moref("_this", self)}${inner}</${method}>${ENVELOPE_CLOSE}`;
    const { status, xml, setCookie } = await this.#post(payload, signal);
    const cookie = setCookie?.map((c) => c.split(";")[0]).find((c) => c?.startsWith("vmware_soap_session="));
    if (cookie) this.#cookie = cookie;
    if (!xml.includes("Envelope"))
      return { status, xml, body: { name: "", attrs: {}, text: xml, children: [] } };
    const envelope = parseXml(xml);
    const body = at(envelope, "Body")?.children[0] ?? envelope;
    const detail = body.name === "Fault" ? at(body, "detail")?.children[0] : undefined;
    return { status, xml, body, ...(detail ? { fault: detail.attrs.xsiType ?? detail.name } : {}) };
  }

  /** Like call, but throws on a SOAP fault or a non-200 status. */
  async ok(method: string, self: MoRef, inner = ""): Promise<Node> {
    const reply = await this.call(method, self, inner);
    if (reply.fault || reply.status !== 200) {
      throw new Error(`${method}: ${reply.fault ?? reply.status} ${reply.xml.slice(0, 300)}`);
    }
    return reply.body;
  }

  login(username: string, password: string): Promise<SoapReply> {
    // a live cookie makes Login fail with InvalidLogin, so every login starts without one
    this.#cookie = undefined;
    return this.call(
      "Login",
      { type: "SessionManager", value: "SessionManager" },
      `<userName>${esc(username)}</userName><password>${esc(password)}</password>`,
    );
  }

  async findByPath(path: string): Promise<MoRef | undefined> {
    const body = await this.ok(
      "FindByInventoryPath",
      { type: "SearchIndex", value: "SearchIndex" },
      `<inventoryPath>${esc(path)}</inventoryPath>`,
    );
    return refOf(at(body, "returnval"));
  }

  /** RetrievePropertiesEx on the default collector: property name → value node. */
  async retrieve(obj: MoRef, paths: string[]): Promise<Map<string, Node>> {
    const body = await this.ok(
      "RetrievePropertiesEx",
      PC,
      `<specSet><propSet><type>${obj.type}</type>${paths.map((p) => `<pathSet>${p}</pathSet>`).join("")}</propSet>` +
        `<objectSet>${moref("obj", obj)}</objectSet></specSet><options/>`,
    );
    const props = new Map<string, Node>();
    for (const prop of kids(at(body, "returnval", "objects"), "propSet")) {
      const val = at(prop, "val");
      const name = textAt(prop, "name");
      if (name !== undefined && val) props.set(name, val);
    }
    return props;
  }

  async createCollector(): Promise<MoRef> {
    const ref = refOf(at(await this.ok("CreatePropertyCollector", PC), "returnval"));
    if (!ref) throw new Error("CreatePropertyCollector returned no collector");
    return ref;
  }

  async createFilter(collector: MoRef, obj: MoRef, paths: string[]): Promise<void> {
    await this.ok(
      "CreateFilter",
      collector,
      `<spec><propSet><type>${obj.type}</type>${paths.map((p) => `<pathSet>${p}</pathSet>`).join("")}</propSet>` +
        `<objectSet>${moref("obj", obj)}</objectSet></spec><partialUpdates>false</partialUpdates>`,
    );
  }

  /** One WaitForUpdatesEx; an absent returnval (timeout) gives no changes and the same version. */
  async waitForUpdates(
    collector: MoRef,
    version: string,
    maxWaitSeconds: number,
  ): Promise<{ version: string; changes: PropertyChange[] }> {
    const body = await this.ok(
      "WaitForUpdatesEx",
      collector,
      `<version>${esc(version)}</version><options><maxWaitSeconds>${maxWaitSeconds}</maxWaitSeconds></options>`,
    );
    const set = at(body, "returnval");
    if (!set) return { version, changes: [] };
    const changes: PropertyChange[] = [];
    for (const filter of kids(set, "filterSet")) {
      for (const object of kids(filter, "objectSet")) {
        const obj = refOf(at(object, "obj"));
        if (!obj) continue;
        for (const change of kids(object, "changeSet")) {
          const val = at(change, "val");
          changes.push({
            obj,
            name: textAt(change, "name") ?? "",
            op: textAt(change, "op") ?? "",
            ...(val ? { val } : {}),
          });
        }
      }
    }
    return { version: textAt(set, "version") ?? version, changes };
  }

  #post(
    payload: string,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; xml: string; setCookie: string[] | undefined }> {
    const transport = this.#url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        this.#url,
        {
          method: "POST",
          agent: this.#agent,
          ...(signal ? { signal } : {}),
          headers: {
            "content-type": "text/xml; charset=utf-8",
            soapaction: '"urn:vim25/6.5"',
            ...(this.#cookie ? { cookie: this.#cookie } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              xml: Buffer.concat(chunks).toString("utf8"),
              setCookie: res.headers["set-cookie"],
            }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }
}

export function refOf(node: Node | undefined): MoRef | undefined {
  if (!node?.attrs.type) return undefined;
  return { type: node.attrs.type, value: node.text };
}

/** The fault type inside a task's info.error (`<fault xsi:type="DuplicateName">`). */
export function taskFault(error: Node | undefined): string | undefined {
  if (!error) return undefined;
  const fault = find(error, "fault");
  return fault?.attrs.xsiType;
}
