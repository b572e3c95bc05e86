/** A time in milliseconds as ISO 8601 for messages; a value no Date can hold is shown as the number. */
export function formatTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}
