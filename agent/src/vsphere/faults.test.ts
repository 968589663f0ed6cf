import { describe, expect, it } from "vitest";
import { faultFromSoap, faultFromTaskError, isFault, VsphereFault } from "./faults.ts";
import { parseXml, toValue } from "./xml.ts";

const soapFault = (detail: string) =>
  parseXml(
    `<soapenv:Fault xmlns:soapenv="s"><faultcode>ServerFaultCode</faultcode><faultstring>Cannot complete login</faultstring><detail>${detail}</detail></soapenv:Fault>`,
  );

describe("faultFromSoap", () => {
  it("names the fault by its schema-instance type with either prefix", () => {
    for (const detail of [
      `<InvalidLoginFault xmlns:XMLSchema-instance="i" XMLSchema-instance:type="InvalidLogin"></InvalidLoginFault>`,
      `<InvalidLoginFault xsi:type="InvalidLogin"/>`,
    ]) {
      const fault = faultFromSoap(soapFault(detail), 500);
      expect(fault).toBeInstanceOf(VsphereFault);
      expect(fault.name).toBe("InvalidLogin");
      expect(fault.message).toBe("Cannot complete login");
      expect(fault.retryable).toBe(false);
      expect(fault.source).toBe("soap");
    }
  });

  it("falls back to the detail element name without the Fault suffix", () => {
    expect(faultFromSoap(soapFault(`<NotAuthenticatedFault/>`)).name).toBe("NotAuthenticated");
  });

  it("keeps the fault's fields, such as the missing object", () => {
    const fault = faultFromSoap(
      soapFault(
        `<ManagedObjectNotFoundFault xsi:type="ManagedObjectNotFound"><obj type="Folder">group-9</obj></ManagedObjectNotFoundFault>`,
      ),
    );
    expect(fault.fields.obj).toEqual({ type: "Folder", value: "group-9" });
  });
});

describe("faultFromTaskError", () => {
  it("reads a task's LocalizedMethodFault", () => {
    const error = toValue(
      parseXml(
        `<val XMLSchema-instance:type="LocalizedMethodFault"><fault XMLSchema-instance:type="DuplicateName"><name>web-01</name><object type="VirtualMachine">vm-60</object></fault><localizedMessage>The name 'web-01' already exists.</localizedMessage></val>`,
      ),
    );
    const fault = faultFromTaskError(error, "task-12");
    expect(fault.name).toBe("DuplicateName");
    expect(fault.source).toBe("task");
    expect(fault.fields).toEqual({ name: "web-01", object: { type: "VirtualMachine", value: "vm-60" } });
    expect(fault.retryable).toBe(false);
  });
});

describe("isFault and retryable", () => {
  const fault = (name: string) => new VsphereFault({ name, message: name, source: "task" });

  it("matches a fault by its own name and by its ancestors", () => {
    expect(isFault(fault("InsufficientHostCpuCapacityFault"), "InsufficientResourcesFault")).toBe(true);
    expect(isFault(fault("InvalidPowerState"), "InvalidState")).toBe(true);
    expect(isFault(fault("InvalidPowerState"), "InvalidArgument")).toBe(false);
    expect(isFault(new Error("InvalidPowerState"), "InvalidPowerState")).toBe(false);
  });

  it("classifies transient and permanent faults", () => {
    for (const name of ["TaskInProgress", "HostNotConnected", "NotAuthenticated", "ConnectionError"]) {
      expect(fault(name).retryable, name).toBe(true);
    }
    for (const name of [
      "InvalidLogin",
      "NoPermission",
      "InsufficientResourcesFault",
      "InsufficientMemoryResourcesFault",
      "InvalidArgument",
      "InvalidDeviceSpec",
      "DuplicateName",
      "SomethingNew",
    ]) {
      expect(fault(name).retryable, name).toBe(false);
    }
  });
});
