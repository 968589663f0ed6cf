import type { BrowserContext, Page, Request } from "playwright-core";
import { z } from "zod";
import { edgeUrl } from "./browser.ts";

/** Fills the new-request form as a person would and submits it; returns the new request's id. */
export async function submitRequest(
  page: Page,
  options: {
    name: string;
    justification?: string;
    /** a code of the tenant's size catalogue */
    size?: string;
    /** the project's name as the form lists it; the first project otherwise */
    project?: string;
  },
): Promise<string> {
  await page.goto("/requests/new");
  await page.getByLabel("VM name").fill(options.name);
  if (options.project) await page.getByLabel("Project").selectOption({ label: options.project });
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

/** Resolves once the app-wide change feed is connected (the signed-in layout marks it on `<main>`). */
export async function waitForLive(page: Page): Promise<void> {
  await page.locator('main[data-live="live"]').waitFor();
}

/**
 * Counts the tRPC reads of `path` the page sends (batched reads included), so a test can tell a pushed
 * refetch from a timer's. `fromQuiet()` starts the count over once no such read has been in flight for a
 * while (the page's first load and the refetch when the feed connects are done); `describe()` lists the
 * reads with the feed's connection changes, for a failure message that explains itself.
 */
export function countReads(
  page: Page,
  path: string,
): { count(): number; fromQuiet(quietMs?: number): Promise<void>; describe(): Promise<string> } {
  let started = Date.now();
  let reads: string[] = [];
  let inFlight = 0;
  let lastActivity = Date.now();
  const matches = (request: Request) => {
    const url = new URL(request.url());
    if (request.method() !== "GET" || !url.pathname.startsWith("/trpc/")) return false;
    return url.pathname.slice("/trpc/".length).split(",").includes(path);
  };
  page.on("request", (request) => {
    if (!matches(request)) return;
    inFlight += 1;
    lastActivity = Date.now();
    reads.push(
      `+${Date.now() - started} ms ${decodeURIComponent(new URL(request.url()).search).slice(0, 160)}`,
    );
  });
  const done = (request: Request) => {
    if (!matches(request)) return;
    inFlight = Math.max(0, inFlight - 1);
    lastActivity = Date.now();
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  return {
    count: () => reads.length,
    async fromQuiet(quietMs = 500) {
      while (inFlight > 0 || Date.now() - lastActivity < quietMs) await page.waitForTimeout(50);
      started = Date.now();
      reads = [];
    },
    describe: async () => {
      const live = await page.evaluate(() => (window as unknown as { __liveLog?: string[] }).__liveLog ?? []);
      return `${path} reads: ${reads.join(" | ")}; feed: ${live.join(" → ")}`;
    },
  };
}

/**
 * Marks the current document, so `sameDocument` can prove later that nothing reloaded the page, and
 * records the change feed's connection states from here on.
 */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __marked: boolean; __liveLog: string[] };
    w.__marked = true;
    const started = Date.now();
    w.__liveLog = [];
    const main = document.querySelector("main[data-live]");
    if (!main) return;
    w.__liveLog.push(`${main.getAttribute("data-live")}@0`);
    new MutationObserver(() => {
      w.__liveLog.push(`${main.getAttribute("data-live")}@${Date.now() - started}`);
    }).observe(main, { attributes: true, attributeFilter: ["data-live"] });
  });
}

export async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __marked?: boolean }).__marked === true);
}

/**
 * Stamps the wall-clock time at which an element matching `selector` first shows `text`, measured in the
 * page by a MutationObserver, so a test can time a pushed update without its own polling in the way.
 */
export async function stampWhenShown(
  page: Page,
  selector: string,
  text: string,
): Promise<() => Promise<number>> {
  await page.evaluate(
    ({ selector, text }) => {
      const w = window as unknown as { __shownAt?: number };
      w.__shownAt = undefined;
      const check = () => {
        if (w.__shownAt === undefined && document.querySelector(selector)?.textContent?.includes(text)) {
          w.__shownAt = performance.timeOrigin + performance.now();
        }
      };
      new MutationObserver(check).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    },
    { selector, text },
  );
  return async () => {
    const at = await page.evaluate(() => (window as unknown as { __shownAt?: number }).__shownAt);
    if (at === undefined) throw new Error(`${selector} never showed ${text}`);
    return at;
  };
}

/** The data of a tRPC call's answer (no transformer: plain JSON under `result.data`). */
export async function trpcCall<TData>(
  context: BrowserContext,
  call: { path: string; input?: unknown; schema: z.ZodType<TData> },
): Promise<TData> {
  const response =
    call.input === undefined
      ? await context.request.get(`/trpc/${call.path}`)
      : await context.request.post(`/trpc/${call.path}`, {
          data: call.input,
          headers: { Origin: edgeUrl() },
        });
  if (!response.ok()) throw new Error(`${call.path} answered ${response.status()}: ${await response.text()}`);
  return z.object({ result: z.object({ data: call.schema }) }).parse(await response.json()).result.data;
}

/** The size cards' source of truth: `catalog.sizes` as the signed-in context reads it. */
export const catalogSizes = (context: BrowserContext) =>
  trpcCall(context, {
    path: "catalog.sizes",
    schema: z.array(
      z.object({
        size: z.string(),
        label: z.string(),
        cpu: z.number(),
        memoryGb: z.number(),
        diskGb: z.number(),
        isDefault: z.boolean(),
      }),
    ),
  });

/** The context's user's projects, as the form lists them. */
export const projectsOf = (context: BrowserContext) =>
  trpcCall(context, {
    path: "catalog.projects",
    schema: z.array(z.object({ projectId: z.string(), name: z.string(), vmPrefix: z.string() })),
  });

/** Submits a request straight through the API (the form is not what the test is about); returns its id. */
export async function createRequestViaApi(
  context: BrowserContext,
  options: { name: string; project?: string },
): Promise<string> {
  const projects = await projectsOf(context);
  const project = options.project ? projects.find((p) => p.name === options.project) : projects[0];
  if (!project) throw new Error(`no project ${options.project ?? ""} for the signed-in user`);
  const { requestId } = await trpcCall(context, {
    path: "requests.create",
    input: {
      idempotencyKey: crypto.randomUUID(),
      projectId: project.projectId,
      name: options.name,
      justification: "Made by the browser tests through the API.",
    },
    schema: z.object({ requestId: z.string() }),
  });
  return requestId;
}

/**
 * Creates `count` requests for the first project as the context's user straight through the API and
 * cancels each one, so a list has pages to turn without a form filled `count` times.
 */
export async function createCancelledRequests(context: BrowserContext, count: number): Promise<void> {
  const [project] = await trpcCall(context, {
    path: "catalog.projects",
    schema: z.array(z.object({ projectId: z.string() })),
  });
  if (!project) throw new Error("the signed-in user's tenant has no project");
  for (let i = 0; i < count; i++) {
    const { requestId } = await trpcCall(context, {
      path: "requests.create",
      input: {
        idempotencyKey: crypto.randomUUID(),
        projectId: project.projectId,
        name: `paged-${i}-${Date.now().toString(36)}`,
        justification: "Made by the browser tests to fill a second page.",
      },
      schema: z.object({ requestId: z.string() }),
    });
    await trpcCall(context, { path: "requests.cancel", input: { requestId }, schema: z.unknown() });
  }
}

/**
 * Sets how people reach the first site's VMs (its DNS domain and login user) through `sites.update`,
 * keeping its placement and default network as they are.
 */
export async function setSiteAccess(
  context: BrowserContext,
  access: { dnsDomain: string | null; loginUser: string | null },
): Promise<void> {
  const [site] = await trpcCall(context, {
    path: "sites.list",
    schema: z.array(z.object({ siteId: z.string() })),
  });
  if (!site) throw new Error("the signed-in admin's tenant has no site");
  const current = await trpcCall(context, {
    path: `sites.get?input=${encodeURIComponent(JSON.stringify({ siteId: site.siteId }))}`,
    schema: z.object({ placement: z.record(z.string(), z.string()), networkPath: z.string() }),
  });
  await trpcCall(context, {
    path: "sites.update",
    input: { siteId: site.siteId, placement: current.placement, networkPath: current.networkPath, ...access },
    schema: z.unknown(),
  });
}

/**
 * Notes, the moment a stepper row first reaches `state`, what the status badge and the VM card's IP
 * address say (in the same DOM update, by a MutationObserver), so a test can prove they keep up with it.
 * @returns resolves to that snapshot once the row got there
 */
export async function whenStepTurns(
  page: Page,
  step: string,
  state: string,
): Promise<() => Promise<{ badge: string; ip: string }>> {
  const key = `${step}:${state}`;
  await page.evaluate(
    ({ step, state, key }) => {
      const w = window as unknown as { __atStep?: Record<string, { badge: string; ip: string }> };
      w.__atStep ??= {};
      const seen = w.__atStep;
      const check = () => {
        if (seen[key] || !document.querySelector(`[data-step="${step}"][data-state="${state}"]`)) return;
        seen[key] = {
          badge: document.querySelector("h1 .badge")?.textContent ?? "",
          ip: document.querySelector('[data-testid="vm-ip"]')?.textContent ?? "",
        };
      };
      new MutationObserver(check).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    },
    { step, state, key },
  );
  return async () => {
    await page.waitForFunction(
      (key) => (window as unknown as { __atStep?: Record<string, unknown> }).__atStep?.[key] !== undefined,
      key,
      { timeout: 90_000 },
    );
    return page.evaluate(
      (key) =>
        (window as unknown as { __atStep: Record<string, { badge: string; ip: string }> }).__atStep[key] ?? {
          badge: "",
          ip: "",
        },
      key,
    );
  };
}
