// CSV output for the analysis tables: RFC 4180, so spreadsheets and pandas read it unchanged.

export type Cell = string | number | null | undefined;

/** A field as RFC 4180 writes it: quoted (inner quotes doubled) only if it holds , " CR or LF. */
function field(value: Cell): string {
  // NaN is "no value" (an empty bin's accuracy), written as pandas writes it: empty.
  if (value === null || value === undefined || Number.isNaN(value)) return '';
  const text = String(value); // numbers round-trip: the shortest decimal that reads back the same
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Rows as CSV with a header line and RFC 4180's CRLF after every record. The columns default to
 * every key the rows have, in order of first appearance; a row missing a column gets an empty field.
 */
export function toCsv<T extends { [K in keyof T]: Cell }>(rows: readonly T[], columns?: readonly string[]): string {
  const header: readonly string[] = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const records = [header, ...rows.map((row) => header.map((c) => (row as Record<string, Cell>)[c]))];
  return records.map((cells) => cells.map(field).join(',') + '\r\n').join('');
}
