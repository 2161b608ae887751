/**
 * The one CSV writer of citycloud's views. Every cell that a spreadsheet would read as a formula
 * (text starting with =, +, -, @, a tab or a carriage return) is prefixed with a quote, as OWASP
 * advises against CSV injection: a ward named `=HYPERLINK(…)` opens as text, not as a link.
 */
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | null;

/** The rows under a header of these columns, formulas neutralised. */
export function toCsv(columns: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify(rows as CsvCell[][], { header: true, columns: [...columns], escape_formulas: true });
}
