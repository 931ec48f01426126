// How values read on a graph page: times in the reader's own words and zone, state values as
// compact JSON.

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** `2026-11-30T23:31:52.110Z` → `30 Nov 2026, 23:31:52` in the reader's locale and time zone. */
export function formatTime(iso: string, format: Intl.DateTimeFormat = TIME): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : format.format(date);
}

/** A state value on one line: strings as they are, anything else as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  return value === undefined ? "(none)" : JSON.stringify(value);
}
