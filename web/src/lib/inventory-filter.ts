/** One choice of an inventory picker: the vCenter path is its value, the label what admins read. */
export interface InventoryOption {
  path: string;
  label: string;
}

/** Lists longer than this get a filter box: a vCenter of ordinary size has thousands of folders. */
export const FILTER_FROM = 30;
/** The most choices a picker holds at once; typing narrows the rest down. */
export const SHOWN_AT_MOST = 200;

export interface FilteredChoices {
  /** what the select lists: at most SHOWN_AT_MOST matches, plus the current choice if the filter hides it */
  shown: InventoryOption[];
  /** how many options match the filter */
  matching: number;
  /** the line under the filter box */
  countText: string;
}

/** The choices a picker shows for `filter` (case-insensitive, on name or path); `value` always stays listed. */
export function filterChoices(
  options: readonly InventoryOption[],
  filter: string,
  value: string,
): FilteredChoices {
  const needle = filter.trim().toLowerCase();
  const matching =
    needle === ""
      ? options
      : options.filter(
          (o) => o.label.toLowerCase().includes(needle) || o.path.toLowerCase().includes(needle),
        );
  const list = matching.slice(0, SHOWN_AT_MOST);
  const chosen = options.find((o) => o.path === value);
  const shown = chosen && !list.includes(chosen) ? [chosen, ...list] : [...list];
  const total = matching.length;
  const countText =
    total === 0
      ? "Nothing matches; try part of a name or path."
      : total > SHOWN_AT_MOST
        ? `Showing ${SHOWN_AT_MOST} of ${total.toLocaleString("en")}; type part of a name or path to narrow the list.`
        : `${total.toLocaleString("en")} of ${options.length.toLocaleString("en")} shown.`;
  return { shown, matching: total, countText };
}
