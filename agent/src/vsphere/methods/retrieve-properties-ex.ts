import { type FilterSpec, filterSpecNode, type ObjectProps, parseObjectContents } from "../property-spec.ts";
import { returnval, type Vim } from "../vim.ts";
import { child, childrenNamed } from "../xml.ts";
import { el } from "../xml-write.ts";

/**
 * PropertyCollector.RetrievePropertiesEx on the session's default collector, following
 * ContinueRetrievePropertiesEx tokens (vCenter pages large results; vcsim never does).
 * Read-only calls on the default collector are safe to share across jobs; only waits are not.
 * `maxObjects` asks for pages of at most that many objects (vCenter may send fewer).
 */
export async function retrievePropertiesEx(
  vim: Vim,
  specs: readonly FilterSpec[],
  options: { maxObjects?: number } = {},
): Promise<ObjectProps[]> {
  const { propertyCollector } = await vim.serviceContent();
  const res = await vim.invoke("RetrievePropertiesEx", propertyCollector, [
    ...specs.map((s) => filterSpecNode("specSet", s)),
    el("options", options.maxObjects === undefined ? [] : [el("maxObjects", options.maxObjects)]),
  ]);
  let result = returnval(res);
  const out: ObjectProps[] = [];
  while (result !== undefined) {
    out.push(...parseObjectContents(childrenNamed(result, "objects")));
    const token = child(result, "token")?.text;
    if (token === undefined || token === "") break;
    const next = await vim.invoke("ContinueRetrievePropertiesEx", propertyCollector, [el("token", token)]);
    result = returnval(next);
  }
  return out;
}
