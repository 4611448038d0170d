const time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const date = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const dateAndTime = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
const day = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });

/** The time for today's dates, the day otherwise. */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  return sameDay(d, new Date()) ? time.format(d) : date.format(d);
}
export function clock(iso: string): string {
  return time.format(new Date(iso));
}
export function dayLabel(iso: string): string {
  const d = new Date(iso);
  const now = new Date();
  if (sameDay(d, now)) return "Today";
  if (sameDay(d, new Date(now.getTime() - 86_400_000))) return "Yesterday";
  return day.format(d);
}
export function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}
export function money(amount: string, currency: string): string {
  return `${amount} ${currency}`;
}

/** A file size for people: 532 B, 14 KB, 3.2 MB. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The time for today's dates, else the day and the time (when a snooze ends). */
export function whenAt(iso: string): string {
  const d = new Date(iso);
  return sameDay(d, new Date()) ? time.format(d) : dateAndTime.format(d);
}
