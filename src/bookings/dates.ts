/** Dates as students and admins read them: the messages to students and the bot's screens alike. */

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** `DD.MM.YYYY HH:MM` in the given IANA time zone, as the original dashboard shows dates. */
export function formatDateTime(date: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    dateFormats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}`;
}
