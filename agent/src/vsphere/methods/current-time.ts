import { SERVICE_INSTANCE } from "../service-content.ts";
import { returnval, type Vim } from "../vim.ts";

/** ServiceInstance.CurrentTime: vCenter's clock. Any authenticated call keeps a session alive. */
export async function currentTime(vim: Vim): Promise<Date> {
  const res = await vim.invoke("CurrentTime", SERVICE_INSTANCE, []);
  return new Date(returnval(res)?.text ?? Number.NaN);
}
