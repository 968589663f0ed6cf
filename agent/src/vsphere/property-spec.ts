import { type MoRef, refKey } from "./values.ts";
import { child, childrenNamed, toValue, type XmlElement } from "./xml.ts";
import { el, opt, ref, typed, type XmlNode } from "./xml-write.ts";

/** Which properties to read on objects of one type. */
export interface PropertySpec {
  readonly type: string;
  readonly paths: readonly string[];
}

/** A hop from one object to others, e.g. a ContainerView's `view`. */
export interface TraversalSpec {
  readonly name?: string;
  readonly type: string;
  readonly path: string;
  readonly skip?: boolean;
}

export interface ObjectSpec {
  readonly obj: MoRef;
  readonly skip?: boolean;
  readonly selectSet?: readonly TraversalSpec[];
}

export interface FilterSpec {
  readonly propSet: readonly PropertySpec[];
  readonly objectSet: readonly ObjectSpec[];
}

/** A PropertyFilterSpec element, in schema order (propSet, objectSet). */
export function filterSpecNode(name: string, spec: FilterSpec): XmlNode {
  return el(name, [
    ...spec.propSet.map((p) =>
      el("propSet", [el("type", p.type), ...p.paths.map((path) => el("pathSet", path))]),
    ),
    ...spec.objectSet.map((o) =>
      el("objectSet", [
        ref("obj", o.obj),
        opt("skip", o.skip),
        ...(o.selectSet ?? []).map((t) =>
          typed("selectSet", "TraversalSpec", [
            opt("name", t.name),
            el("type", t.type),
            el("path", t.path),
            opt("skip", t.skip ?? false),
          ]),
        ),
      ]),
    ),
  ]);
}

/** Property values of one object, kept as elements so devices can be sent back as read. */
export class ObjectProps {
  readonly obj: MoRef;
  readonly raw: ReadonlyMap<string, XmlElement>;

  constructor(obj: MoRef, raw: ReadonlyMap<string, XmlElement>) {
    this.obj = obj;
    this.raw = raw;
  }

  /** The generic value of a property (absent and nil are both undefined). */
  value(path: string): unknown {
    const raw = this.raw.get(path);
    return raw === undefined ? undefined : toValue(raw);
  }

  text(path: string): string | undefined {
    const raw = this.raw.get(path);
    return raw === undefined || raw.nil ? undefined : raw.text;
  }
}

function objRef(e: XmlElement | undefined): MoRef | undefined {
  return e?.type === undefined ? undefined : { type: e.type, value: e.text };
}

/** `ObjectContent` elements (from RetrievePropertiesEx) as ObjectProps. */
export function parseObjectContents(objects: readonly XmlElement[]): ObjectProps[] {
  const out: ObjectProps[] = [];
  for (const o of objects) {
    const obj = objRef(child(o, "obj"));
    if (obj === undefined) continue;
    const raw = new Map<string, XmlElement>();
    for (const p of childrenNamed(o, "propSet")) {
      const name = child(p, "name")?.text;
      const val = child(p, "val");
      if (name !== undefined && val !== undefined) raw.set(name, val);
    }
    out.push(new ObjectProps(obj, raw));
  }
  return out;
}

/** Index results by moref for lookups. */
export function byRef(objects: readonly ObjectProps[]): Map<string, ObjectProps> {
  return new Map(objects.map((o) => [refKey(o.obj), o]));
}
