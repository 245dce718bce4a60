/** Escapes text for Telegram's HTML parse mode (the only three characters it requires). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Shortens to at most `max` characters (code points, so an emoji is never cut in half). */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** Telegram's limit for one message's text. */
export const MESSAGE_LIMIT = 4096;
