/**
 * CSV as RFC 4180 writes it (CRLF line ends, quotes doubled inside quoted cells), made safe to
 * open in a spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, tab, CR or LF would be taken
 * for a formula (OWASP "CSV injection"), so it gets a leading `'`, which spreadsheets show as
 * text and do not evaluate. Audit records quote attacker-chosen text (user names, session names,
 * request parameters), so every cell goes through here.
 */

const FORMULA_START = /^[=+\-@\t\r\n]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: text neutralised if it could be a formula, quoted if it holds a quote, comma or line break. Numbers are written as they are. */
export const csvCell = (value: string | number | boolean | null | undefined): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** One row, CRLF-terminated. */
export const csvRow = (cells: readonly (string | number | boolean | null | undefined)[]): string =>
  `${cells.map(csvCell).join(',')}\r\n`;
