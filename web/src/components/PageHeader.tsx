import { useLocation } from "@solidjs/router";
import { createEffect, type JSX, onMount } from "solid-js";
import { focusOnArrival, setPageTitle } from "../lib/page-meta.ts";

/**
 * A page's heading: names the page in the tab ("My requests · Gantry") and takes focus when the person
 * navigated here. Every page renders exactly one, through this component or `PageHeader`.
 */
export function PageHeading(props: {
  /** the page's name for the tab; also the heading's text unless `children` say more */
  title: string;
  children?: JSX.Element;
}) {
  let heading: HTMLHeadingElement | undefined;
  // the router's location: during a navigation the address bar changes only once the new page is in
  const location = useLocation();
  createEffect(() => setPageTitle(props.title));
  onMount(() => {
    if (heading) focusOnArrival(heading, location.pathname);
  });
  return (
    <h1 ref={heading} tabIndex={-1} class="page-title">
      {props.children ?? props.title}
    </h1>
  );
}

/** The top of a page: its heading (see `PageHeading`) and, beside it, the page's main actions. */
export function PageHeader(props: { title: string; heading?: JSX.Element; children?: JSX.Element }) {
  return (
    <div class="page-header">
      <PageHeading title={props.title}>{props.heading}</PageHeading>
      {props.children}
    </div>
  );
}
