import type { Page, Route } from "playwright-core";

/** Fills the new-request form as a person would and submits it; returns the new request's id. */
export async function submitRequest(
  page: Page,
  options: { name: string; justification?: string; size?: "S" | "M" | "L" | "XL" },
): Promise<string> {
  await page.goto("/requests/new");
  await page.getByLabel("VM name").fill(options.name);
  if (options.size) await page.getByRole("radio", { name: new RegExp(`^${options.size}\\b`) }).check();
  await page
    .getByLabel("Justification")
    .fill(options.justification ?? "Needed for the browser tests of Gantry.");
  await page.getByRole("button", { name: "Submit request" }).click();
  await page.waitForURL(/\/requests\/(?!new)[^/]+$/);
  return requestIdFrom(page);
}

export function requestIdFrom(page: Page): string {
  const id = new URL(page.url()).pathname.split("/").pop();
  if (!id) throw new Error(`no request id in ${page.url()}`);
  return id;
}

/** The badge next to the request's name on its detail page. */
export const statusBadge = (page: Page) => page.locator("h1 .badge");

/** Resolves once the detail page's status badge reads `label`. */
export async function waitForStatus(page: Page, label: string, timeout = 30_000): Promise<void> {
  await page.locator("h1 .badge", { hasText: label }).waitFor({ timeout });
}

/**
 * Records every state each stepper row goes through, so a test can prove the stages appeared live
 * (on this page, without a reload) rather than being present when the page loaded.
 */
export async function recordStepper(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Array<[string, string]> = [];
    const w = window as unknown as {
      __stepperLog: Array<[string, string]>;
      __loadedOnce: boolean;
      __layoutShift: number;
    };
    w.__stepperLog = seen;
    w.__loadedOnce = true;
    w.__layoutShift = 0;
    // cumulative layout shift from here on, as Chromium measures it (input-driven shifts excluded)
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const shift = entry as PerformanceEntry & { value: number; hadRecentInput: boolean };
        if (!shift.hadRecentInput) w.__layoutShift += shift.value;
      }
    }).observe({ type: "layout-shift", buffered: false });
    const record = () => {
      for (const el of document.querySelectorAll<HTMLElement>("[data-step]")) {
        const entry: [string, string] = [el.dataset.step ?? "", el.dataset.state ?? ""];
        if (!seen.some(([s, st]) => s === entry[0] && st === entry[1])) seen.push(entry);
      }
    };
    record();
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["data-state"],
    });
  });
}

export async function stepperLog(
  page: Page,
): Promise<{ log: Array<[string, string]>; sameDocument: boolean; layoutShift: number }> {
  return page.evaluate(() => {
    const w = window as unknown as {
      __stepperLog?: Array<[string, string]>;
      __loadedOnce?: boolean;
      __layoutShift?: number;
    };
    return {
      log: w.__stepperLog ?? [],
      sameDocument: w.__loadedOnce === true,
      layoutShift: w.__layoutShift ?? -1,
    };
  });
}

/**
 * Makes the page's view of one query stale on purpose: the first answer to each distinct `path` read
 * is replayed from then on, while mutations still reach the edge. Simulates an admin who loaded the
 * page before someone else acted.
 */
export async function freezeReads(page: Page, path: string): Promise<() => Promise<void>> {
  const answers = new Map<string, { status: number; headers: Record<string, string>; body: Buffer }>();
  const matches = (url: URL) => url.pathname.startsWith("/trpc/") && url.pathname.includes(path);
  const handler = async (route: Route) => {
    if (route.request().method() !== "GET") return route.continue();
    const key = route.request().url();
    try {
      let answer = answers.get(key);
      if (!answer) {
        const response = await route.fetch();
        answer = { status: response.status(), headers: response.headers(), body: await response.body() };
        answers.set(key, answer);
      }
      await route.fulfill(answer);
    } catch {
      // the page went away (or the route was released) while this read was in flight
    }
  };
  await page.route(matches, handler);
  return () => page.unroute(matches, handler);
}
