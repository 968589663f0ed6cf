import { describe, expect, it } from "vitest";
import { readVmListParams, VM_PAGE_SIZE, vmListInput, vmListSearch } from "./vm-list-params.ts";

describe("My VMs' URL", () => {
  it("round-trips every filter and leaves defaults out", () => {
    const search = "?project=prj_web&owner=usr_alice&status=GONE&power=poweredOff&size=50&page=2";
    const params = readVmListParams(new URLSearchParams(search));
    expect(params).toEqual({
      page: 2,
      pageSize: 50,
      projectId: "prj_web",
      ownerId: "usr_alice",
      status: "GONE",
      powerState: "poweredOff",
    });
    expect(vmListSearch(params)).toBe(search);
    expect(vmListSearch({ ...params, page: 1, pageSize: VM_PAGE_SIZE, status: null, powerState: null })).toBe(
      "?project=prj_web&owner=usr_alice",
    );
  });

  it("falls back to everything for odd values and sends only what is set", () => {
    const params = readVmListParams(
      new URLSearchParams("status=PROVISIONING&power=on&size=7&page=-1&owner=a%20b&project="),
    );
    expect(params).toEqual({
      page: 1,
      pageSize: VM_PAGE_SIZE,
      projectId: null,
      ownerId: null,
      status: null,
      powerState: null,
    });
    expect(vmListInput(params)).toEqual({ page: 1, pageSize: VM_PAGE_SIZE });
  });
});
