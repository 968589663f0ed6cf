import { z } from "zod";
import { MoRefSchema } from "./values.ts";
import { child, toValue, type XmlElement } from "./xml.ts";

/** The parts of ServiceContent the agent uses. */
export const ServiceContent = z.object({
  rootFolder: MoRefSchema,
  propertyCollector: MoRefSchema,
  viewManager: MoRefSchema,
  sessionManager: MoRefSchema,
  searchIndex: MoRefSchema,
  about: z.object({
    fullName: z.string(),
    apiVersion: z.string(),
    apiType: z.string().optional(),
    instanceUuid: z.string().optional(),
  }),
});
export type ServiceContent = z.infer<typeof ServiceContent>;

export const SERVICE_INSTANCE = { type: "ServiceInstance", value: "ServiceInstance" } as const;

export function parseServiceContent(response: XmlElement): ServiceContent {
  const returnval = child(response, "returnval");
  return ServiceContent.parse(returnval ? toValue(returnval) : undefined);
}
