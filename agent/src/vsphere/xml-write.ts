import type { MoRef } from "./values.ts";
import type { XmlElement } from "./xml.ts";

/** An element to send. Children are written in array order, which vCenter's schema requires. */
export interface XmlNode {
  readonly name: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly text?: string;
  readonly children?: readonly XmlNode[];
}

type Content = string | number | boolean | readonly (XmlNode | undefined | false)[];

/** An element; `undefined`/`false` children are skipped so optional fields read naturally. */
export function el(name: string, content?: Content, attrs?: Record<string, string>): XmlNode {
  if (content === undefined) return { name, ...(attrs && { attrs }) };
  if (typeof content === "object") {
    const children = content.filter((c): c is XmlNode => c !== undefined && c !== false);
    return { name, children, ...(attrs && { attrs }) };
  }
  return { name, text: String(content), ...(attrs && { attrs }) };
}

/** An optional leaf: omitted entirely when the value is undefined. */
export const opt = (name: string, value: string | number | boolean | undefined): XmlNode | undefined =>
  value === undefined ? undefined : el(name, value);

export const ref = (name: string, moref: MoRef): XmlNode => el(name, moref.value, { type: moref.type });

/** An element of a derived type, e.g. `typed("identity", "CustomizationLinuxPrep", [...])`. */
export const typed = (name: string, xsiType: string, content?: Content): XmlNode =>
  el(name, content ?? [], { "xsi:type": xsiType });

/** Re-emit a parsed element (e.g. a device as read), optionally under another name. */
export function fromParsed(parsed: XmlElement, name = parsed.name): XmlNode {
  const attrs: Record<string, string> = {};
  if (parsed.type !== undefined) attrs.type = parsed.type;
  if (parsed.xsiType !== undefined) attrs["xsi:type"] = parsed.xsiType;
  const hasAttrs = Object.keys(attrs).length > 0;
  if (parsed.children.length === 0) return { name, text: parsed.text, ...(hasAttrs && { attrs }) };
  return { name, children: parsed.children.map((c) => fromParsed(c)), ...(hasAttrs && { attrs }) };
}

export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&#xD;",
  );
}

const ATTR_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  '"': "&quot;",
  "\n": "&#xA;",
  "\r": "&#xD;",
  "\t": "&#x9;",
};

export function escapeAttr(s: string): string {
  return s.replace(/[&<"\n\r\t]/g, (c) => ATTR_ESCAPES[c] ?? c);
}

// characters XML 1.0 cannot carry at all, even escaped; dropping them beats a server-side parse fault
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function serialize(node: XmlNode): string {
  let attrs = "";
  for (const [k, v] of Object.entries(node.attrs ?? {})) attrs += ` ${k}="${escapeAttr(v)}"`;
  if (node.children !== undefined && node.children.length > 0) {
    return `<${node.name}${attrs}>${node.children.map(serialize).join("")}</${node.name}>`;
  }
  const text = node.text === undefined ? "" : escapeText(node.text.replace(INVALID_XML_CHARS, ""));
  return `<${node.name}${attrs}>${text}</${node.name}>`;
}
