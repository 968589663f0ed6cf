// The page a person is on, told to the browser and to assistive technology: the tab's title, and focus
// on the page's heading once they navigate to it (the first page of a load keeps the browser's focus).

const APP_NAME = "Gantry";

/** The tab's title: "My requests · Gantry"; the app's name alone for "". */
export const documentTitle = (page: string): string => (page ? `${page} · ${APP_NAME}` : APP_NAME);

export function setPageTitle(page: string): void {
  document.title = documentTitle(page);
}

// the path whose heading last had its say: null until the first page of this load shows its heading
let headingPath: string | null = null;

/**
 * Called by a page's heading when it appears: on a path other than the last heading's (the person
 * navigated here), the heading takes focus, so a screen reader announces the new page and the next Tab
 * starts from it. The first heading of a load, and a heading redrawn on the same path, leave focus be.
 */
export function focusOnArrival(heading: HTMLElement, path: string): void {
  const arrived = headingPath !== null && headingPath !== path;
  headingPath = path;
  if (!arrived) return;
  // a page that was drawn off screen during the navigation is in the document by the next frame
  if (heading.isConnected) heading.focus();
  else requestAnimationFrame(() => heading.focus());
}
