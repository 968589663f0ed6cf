import { XMLParser } from "fast-xml-parser";

/**
 * A parsed vim25 element with namespace prefixes removed.
 * `type` is the plain attribute a moref carries (`<obj type="VirtualMachine">vm-1</obj>`);
 * `xsiType` is the schema-instance type, whatever its prefix: vcsim writes `XMLSchema-instance:type`,
 * vCenter `xsi:type`.
 */
export interface XmlElement {
  readonly name: string;
  readonly type?: string;
  readonly xsiType?: string;
  readonly nil: boolean;
  readonly text: string;
  readonly children: readonly XmlElement[];
}

// entities are decoded by us: the parser leaves numeric references (`&#xA;`, Go's `&#34;`) alone,
// and doing it in one pass also rules out double decoding and DOCTYPE entity expansion
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
});

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, body: string) => {
    if (body.startsWith("#x")) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith("#")) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    return NAMED[body] ?? whole;
  });
}

const localName = (qname: string): string => qname.slice(qname.indexOf(":") + 1);

type RawNode = Record<string, unknown>;

function isRecord(v: unknown): v is RawNode {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function convert(tag: string, body: unknown, attrs: unknown): XmlElement {
  let type: string | undefined;
  let xsiType: string | undefined;
  let nil = false;
  if (isRecord(attrs)) {
    for (const [key, raw] of Object.entries(attrs)) {
      if (typeof raw !== "string" || key.startsWith("xmlns")) continue;
      const value = decodeEntities(raw);
      if (key === "type") type = value;
      else if (key.endsWith(":type")) xsiType = value;
      else if (key.endsWith(":nil")) nil = value === "true";
    }
  }
  const children: XmlElement[] = [];
  let text = "";
  for (const node of Array.isArray(body) ? body : []) {
    if (!isRecord(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === ":@") continue;
      if (key === "#text") text += decodeEntities(String(value));
      else children.push(convert(localName(key), value, node[":@"]));
    }
  }
  return {
    name: localName(tag),
    ...(type !== undefined && { type }),
    ...(xsiType !== undefined && { xsiType }),
    nil,
    text,
    children,
  };
}

/** Parse an XML document into its root element. Throws on malformed XML. */
export function parseXml(xml: string): XmlElement {
  const nodes: unknown = parser.parse(xml);
  for (const node of Array.isArray(nodes) ? nodes : []) {
    if (!isRecord(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === ":@" || key.startsWith("?") || key === "#text") continue;
      return convert(key, value, node[":@"]);
    }
  }
  throw new Error("XML document has no root element");
}

export const child = (el: XmlElement, name: string): XmlElement | undefined =>
  el.children.find((c) => c.name === name);

export const childrenNamed = (el: XmlElement, name: string): XmlElement[] =>
  el.children.filter((c) => c.name === name);

/**
 * A generic JS view of an element, for zod: a leaf is its text (or `{ type, value }` for a moref),
 * an element with children is an object keyed by child name (repeated names become arrays),
 * with the schema-instance type as `$type`. Nil elements are `undefined`.
 */
export function toValue(el: XmlElement): unknown {
  if (el.nil) return undefined;
  if (el.children.length === 0) {
    if (el.type !== undefined) return { type: el.type, value: el.text };
    if (el.xsiType !== undefined && el.text === "" && !el.xsiType.startsWith("xsd:")) {
      return { $type: el.xsiType };
    }
    return el.text;
  }
  const out: Record<string, unknown> = {};
  if (el.xsiType !== undefined) out.$type = el.xsiType;
  const repeated = new Set<string>();
  for (const c of el.children) {
    const value = toValue(c);
    if (!(c.name in out)) {
      out[c.name] = value;
      continue;
    }
    const prev = out[c.name];
    if (repeated.has(c.name) && Array.isArray(prev)) prev.push(value);
    else out[c.name] = [prev, value];
    repeated.add(c.name);
  }
  return out;
}
