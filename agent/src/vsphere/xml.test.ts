import { describe, expect, it } from "vitest";
import { decodeEntities, parseXml, toValue } from "./xml.ts";
import { el, fromParsed, ref, serialize, typed } from "./xml-write.ts";

const vcsimVal = `<val xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="ManagedObjectReference" type="VirtualMachine">vm-57</val>`;
const vcenterVal = `<val xsi:type="ManagedObjectReference" type="VirtualMachine">vm-57</val>`;

describe("parseXml", () => {
  it("reads the schema-instance type under vcsim's prefix and under xsi", () => {
    for (const xml of [vcsimVal, vcenterVal]) {
      const parsed = parseXml(xml);
      expect(parsed.xsiType).toBe("ManagedObjectReference");
      expect(parsed.type).toBe("VirtualMachine");
      expect(toValue(parsed)).toEqual({ type: "VirtualMachine", value: "vm-57" });
    }
  });

  it("strips element prefixes and decodes named and numeric entities once", () => {
    const root = parseXml(
      `<soapenv:Envelope xmlns:soapenv="x"><soapenv:Body><a>&amp;lt; &#34;q&#34; &#xA;&#10;</a></soapenv:Body></soapenv:Envelope>`,
    );
    expect(root.name).toBe("Envelope");
    expect(root.children[0]?.name).toBe("Body");
    expect(root.children[0]?.children[0]?.text).toBe('&lt; "q" \n\n');
  });

  it("groups repeated children into arrays and keeps $type on complex values", () => {
    const v = toValue(
      parseXml(
        `<val xsi:type="ArrayOfOptionValue"><OptionValue xsi:type="OptionValue"><key>a</key><value xsi:type="xsd:string">1</value></OptionValue><OptionValue xsi:type="OptionValue"><key>b</key><value xsi:type="xsd:string">2</value></OptionValue><OptionValue xsi:type="OptionValue"><key>c</key><value xsi:type="xsd:string"></value></OptionValue></val>`,
      ),
    );
    expect(v).toEqual({
      $type: "ArrayOfOptionValue",
      OptionValue: [
        { $type: "OptionValue", key: "a", value: "1" },
        { $type: "OptionValue", key: "b", value: "2" },
        { $type: "OptionValue", key: "c", value: "" },
      ],
    });
  });

  it("treats nil elements as absent and empty typed elements as their type", () => {
    expect(toValue(parseXml(`<x xsi:nil="true"/>`))).toBeUndefined();
    expect(toValue(parseXml(`<fault xsi:type="InvalidLogin"/>`))).toEqual({ $type: "InvalidLogin" });
  });

  it("rejects a document without an element", () => {
    expect(() => parseXml("just text")).toThrow();
  });
});

describe("serialize", () => {
  it("escapes text and attributes so opaque values survive", () => {
    const xml = serialize(
      el("root", [
        ref("_this", { type: "Datastore", value: `/tmp/a&b<"c">@folder-5` }),
        el("name", "a & b < c > d"),
        typed("identity", "CustomizationLinuxPrep", [el("domain", "x")]),
        el("skip", false),
        undefined,
      ]),
    );
    expect(xml).toBe(
      `<root><_this type="Datastore">/tmp/a&amp;b&lt;"c"&gt;@folder-5</_this><name>a &amp; b &lt; c &gt; d</name>` +
        `<identity xsi:type="CustomizationLinuxPrep"><domain>x</domain></identity><skip>false</skip></root>`,
    );
    expect(parseXml(xml).children[0]?.text).toBe(`/tmp/a&b<"c">@folder-5`);
  });

  it("writes a parsed element back with its types, normalised to xsi", () => {
    const parsed = parseXml(
      `<VirtualDevice XMLSchema-instance:type="VirtualDisk"><key>2000</key><backing XMLSchema-instance:type="VirtualDiskFlatVer2BackingInfo"><fileName>[ds] a/b.vmdk</fileName><datastore type="Datastore">ds-1</datastore></backing></VirtualDevice>`,
    );
    expect(serialize(fromParsed(parsed, "device"))).toBe(
      `<device xsi:type="VirtualDisk"><key>2000</key><backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>[ds] a/b.vmdk</fileName><datastore type="Datastore">ds-1</datastore></backing></device>`,
    );
  });

  it("decodeEntities leaves unknown entities alone", () => {
    expect(decodeEntities("&foo; &amp;")).toBe("&foo; &");
  });
});
