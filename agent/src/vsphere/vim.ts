import type { ServiceContent } from "./service-content.ts";
import type { SoapCallOptions } from "./soap-client.ts";
import { type MoRef, MoRefSchema } from "./values.ts";
import { child, childrenNamed, type XmlElement } from "./xml.ts";
import type { XmlNode } from "./xml-write.ts";

export interface InvokeOptions extends SoapCallOptions {
  /**
   * Re-login and repeat the call once on `NotAuthenticated` (default true). Calls on objects that
   * die with the session (a private property collector and its filters) pass false and rebuild instead.
   */
  relogin?: boolean;
}

/**
 * What a method needs to make one call: the service content and an invoke bound to a session,
 * a job's AbortSignal and its round-trip counter. Methods are plain functions over it.
 */
export interface Vim {
  serviceContent(): Promise<ServiceContent>;
  invoke(
    method: string,
    thisRef: MoRef,
    body: readonly XmlNode[],
    options?: InvokeOptions,
  ): Promise<XmlElement>;
}

export const returnval = (response: XmlElement): XmlElement | undefined => child(response, "returnval");

export const returnvals = (response: XmlElement): XmlElement[] => childrenNamed(response, "returnval");

/** The moref a method returns (`<returnval type="Task">task-12</returnval>`). */
export function returnedRef(response: XmlElement, method: string): MoRef {
  const r = returnval(response);
  const parsed = MoRefSchema.safeParse(r ? { type: r.type, value: r.text } : undefined);
  if (!parsed.success) throw new Error(`${method} returned no managed object reference`);
  return parsed.data;
}

/** Same for methods whose result may be absent (FindByInventoryPath on an unknown path). */
export function optionalRef(response: XmlElement): MoRef | undefined {
  const r = returnval(response);
  if (r?.type === undefined || r.text === "") return undefined;
  return { type: r.type, value: r.text };
}
