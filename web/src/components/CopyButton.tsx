import { toast } from "../lib/toasts.ts";

const capitalized = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/**
 * "Copy" beside a value: puts `value` on the clipboard and confirms with a toast. Its accessible name
 * says what it copies ("Copy IP address"), starting with the word it shows.
 */
export function CopyButton(props: {
  value: string;
  /** what the value is, as in a sentence: "IP address", "hostname" */
  what: string;
}) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      toast(`${capitalized(props.what)} copied.`, "info");
    } catch {
      toast(`Could not copy the ${props.what}: select it and copy it by hand.`, "info");
    }
  };
  return (
    <button type="button" class="button button--small copy-button" onClick={() => void copy()}>
      Copy<span class="visually-hidden"> {props.what}</span>
    </button>
  );
}
