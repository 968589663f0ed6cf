import { type Accessor, createSignal, onCleanup } from "solid-js";

/** The current time, refreshed every `intervalMs`; the timer stops with the owner. */
export function createNow(intervalMs = 1000): Accessor<Date> {
  const [now, setNow] = createSignal(new Date());
  const timer = setInterval(() => setNow(new Date()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}
