import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { dismissToast, TOAST_MS, toast, toasts } from "./toasts.ts";

describe("toasts", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    for (const t of toasts()) dismissToast(t.id);
    vi.useRealTimers();
  });

  it("shows a toast until its time is up", () => {
    toast("Request submitted.");
    expect(toasts().map((t) => [t.text, t.tone])).toEqual([["Request submitted.", "success"]]);
    vi.advanceTimersByTime(TOAST_MS - 1);
    expect(toasts()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(toasts()).toEqual([]);
  });

  it("keeps the three newest and lets one be dismissed", () => {
    const ids = ["one", "two", "three", "four"].map((text) => toast(text, "info"));
    expect(toasts().map((t) => t.text)).toEqual(["two", "three", "four"]);
    dismissToast(ids[2] ?? 0);
    expect(toasts().map((t) => t.text)).toEqual(["two", "four"]);
  });
});
