import { describe, expect, it } from "vitest";
import { documentTitle, focusOnArrival } from "./page-meta.ts";

const heading = () => {
  let focused = 0;
  return {
    el: { isConnected: true, focus: () => void focused++ } as unknown as HTMLElement,
    focused: () => focused,
  };
};

describe("documentTitle", () => {
  it("names the page before the app", () => {
    expect(documentTitle("My requests")).toBe("My requests · Gantry");
    expect(documentTitle("")).toBe("Gantry");
  });
});

describe("focusOnArrival", () => {
  it("leaves the first page's focus alone, then focuses each new page's heading once", () => {
    const first = heading();
    focusOnArrival(first.el, "/requests");
    expect(first.focused()).toBe(0);
    const next = heading();
    focusOnArrival(next.el, "/requests/new");
    expect(next.focused()).toBe(1);
    // the same page's heading drawn again (its data changed) keeps focus where the person is
    const redrawn = heading();
    focusOnArrival(redrawn.el, "/requests/new");
    expect(redrawn.focused()).toBe(0);
    const back = heading();
    focusOnArrival(back.el, "/requests");
    expect(back.focused()).toBe(1);
  });
});
