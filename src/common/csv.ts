/**
 * CSV as every download writes it (/admin's table, the clinic export): RFC 4180 cells,
 * CRLF line ends. A cell is quoted when it holds a quote, comma or line break. A text a
 * spreadsheet would run as a formula (leading =, +, - or @, or a tab or carriage return
 * before one, which some spreadsheets skip) gets a leading apostrophe,
 * because these files are opened in spreadsheets by people who did not write the data.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line, CRLF included. */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}
