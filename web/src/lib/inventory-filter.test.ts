import { describe, expect, it } from "vitest";
import { filterChoices, type InventoryOption, SHOWN_AT_MOST } from "./inventory-filter.ts";

const folders: InventoryOption[] = Array.from({ length: 5000 }, (_, i) => {
  const name = `folder-${String(i).padStart(5, "0")}`;
  return { path: `/DC0/vm/scale-${String(Math.floor(i / 100)).padStart(2, "0")}/${name}`, label: name };
});

describe("filterChoices", () => {
  it("lists at most a couple of hundred of 5,000 choices and says how to find the rest", () => {
    const c = filterChoices(folders, "", "");
    expect(c.shown).toHaveLength(SHOWN_AT_MOST);
    expect(c.matching).toBe(5000);
    expect(c.countText).toBe("Showing 200 of 5,000; type part of a name or path to narrow the list.");
  });

  it("matches names and paths, ignoring case and surrounding spaces", () => {
    expect(filterChoices(folders, "  FOLDER-04999 ", "").shown.map((o) => o.label)).toEqual(["folder-04999"]);
    const byPath = filterChoices(folders, "scale-07/", "");
    expect(byPath.matching).toBe(100);
    expect(byPath.countText).toBe("100 of 5,000 shown.");
  });

  it("keeps the current choice listed while the filter hides it", () => {
    const chosen = folders[1234]?.path ?? "";
    const c = filterChoices(folders, "no such folder", chosen);
    expect(c.matching).toBe(0);
    expect(c.countText).toBe("Nothing matches; try part of a name or path.");
    expect(c.shown.map((o) => o.path)).toEqual([chosen]);
    // and is not listed twice when it matches
    expect(filterChoices(folders, "folder-01234", chosen).shown).toHaveLength(1);
  });
});
