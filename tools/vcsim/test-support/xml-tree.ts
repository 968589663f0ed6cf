import { XMLParser } from "fast-xml-parser";

/** A parsed element with namespace prefixes removed from names and attributes. */
export interface Node {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: readonly Node[];
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
});

const local = (qname: string) => qname.slice(qname.indexOf(":") + 1);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function convert(raw: Record<string, unknown>): Node | undefined {
  const tag = Object.keys(raw).find((k) => k !== ":@" && k !== "#text");
  if (tag === undefined) return undefined;
  const attrs: Record<string, string> = {};
  const rawAttrs = raw[":@"];
  if (isRecord(rawAttrs)) {
    for (const [k, v] of Object.entries(rawAttrs)) {
      // xsi:type and vcsim's XMLSchema-instance:type both become "xsiType"; a moref's plain type stays "type"
      attrs[k.includes(":") && local(k) === "type" ? "xsiType" : local(k)] = String(v);
    }
  }
  const body = raw[tag];
  const children: Node[] = [];
  let text = "";
  for (const item of Array.isArray(body) ? body : []) {
    if (!isRecord(item)) continue;
    if ("#text" in item) text += String(item["#text"]);
    const child = convert(item);
    if (child) children.push(child);
  }
  return { name: local(tag), attrs, text, children };
}

export function parseXml(xml: string): Node {
  const items: unknown = parser.parse(xml);
  for (const item of Array.isArray(items) ? items : []) {
    if (isRecord(item) && !("?xml" in item)) {
      const node = convert(item);
      if (node) return node;
    }
  }
  throw new Error(`no XML element in ${xml.slice(0, 100)}`);
}

/** Direct children named `name`. */
export function kids(node: Node | undefined, name: string): Node[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

/** The first descendant-or-self reached by following `path` (child names). */
export function at(node: Node | undefined, ...path: string[]): Node | undefined {
  let current = node;
  for (const name of path) current = kids(current, name)[0];
  return current;
}

/** Depth-first search for the first element named `name`. */
export function find(node: Node, name: string): Node | undefined {
  if (node.name === name) return node;
  for (const child of node.children) {
    const hit = find(child, name);
    if (hit) return hit;
  }
  return undefined;
}

export function textAt(node: Node | undefined, ...path: string[]): string | undefined {
  return at(node, ...path)?.text;
}
