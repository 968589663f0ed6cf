// one fixed, unambiguous format ("22 Nov 2026, 14:03") so every page reads the same
const dateTime = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const clock = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

const toDate = (value: string | Date): Date => (typeof value === "string" ? new Date(value) : value);

export const formatDateTime = (value: string | Date): string => dateTime.format(toDate(value));

/** `14:03:27`, for stage times on the stepper. */
export const formatClock = (value: string | Date): string => clock.format(toDate(value));

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** A compact duration: `45 s`, `1 min 20 s`, `2 h 5 min`, `3 days 4 h`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) {
    const rest = s % 60;
    return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0 ? plural(days, "day") : `${plural(days, "day")} ${rest} h`;
}

/** `just now`, `5 min ago`, `3 h ago`, `2 days ago`. */
export function formatRelative(value: string | Date, now: Date): string {
  const seconds = (now.getTime() - toDate(value).getTime()) / 1000;
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${plural(Math.floor(hours / 24), "day")} ago`;
}

/** The ETA line under the stepper; null when there is nothing honest to say. */
export function formatEta(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 5) return "Almost done";
  // rounding to 5 s keeps the text calm while frames arrive
  return `About ${formatDuration(Math.ceil(seconds / 5) * 5)} left`;
}

/** Whole seconds between two instants, never negative. */
export const secondsBetween = (from: string | Date, to: Date): number =>
  Math.max(0, Math.floor((to.getTime() - toDate(from).getTime()) / 1000));

export function formatMemory(mb: number): string {
  if (mb < 1024) return `${mb} MB`;
  const gb = mb / 1024;
  return `${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB`;
}
