/** A piece of a sentence: plain text, or an instant (an ISO 8601 UTC time) the page formats. */
export type TextPart = { text: string } | { instant: string };

// what the edge writes into a history entry's words: `2026-12-07T07:25:53.000Z` (seconds and fraction optional)
const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z/g;

/**
 * Splits words the edge wrote (it knows no reader's time zone, so it writes instants as ISO) into text and
 * instants, so the page shows each instant in its one date format, in the reader's time zone.
 */
export function splitInstants(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let from = 0;
  for (const match of text.matchAll(ISO_INSTANT)) {
    const at = match.index ?? 0;
    if (Number.isNaN(Date.parse(match[0]))) continue;
    if (at > from) parts.push({ text: text.slice(from, at) });
    parts.push({ instant: match[0] });
    from = at + match[0].length;
  }
  if (from < text.length) parts.push({ text: text.slice(from) });
  return parts;
}
