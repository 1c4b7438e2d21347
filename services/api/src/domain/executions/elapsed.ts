/**
 * How long ago something happened, for messages that cannot know the reader's time zone (the 409
 * "already running" text is made in the domain, shown in pages, the API and the CLI alike).
 */

/** "45 s ago", "3 min ago", "2 h 5 min ago"; never negative (the database and the service clock may differ). */
export function ago(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''} ago`;
}
