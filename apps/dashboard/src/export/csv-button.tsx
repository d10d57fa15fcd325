import { toCsv, type Cell } from '@cohort/analysis/tables';
import { downloadText } from './download';

/** Downloads rows as CSV (the analyses' own writer, so a table reads the same as their CSVs). */
export function CsvButton({ rows, columns, fileName }: { rows: readonly Record<string, Cell>[]; columns?: readonly string[]; fileName: string }) {
  return (
    <button type="button" className="small" onClick={() => downloadText(toCsv(rows, columns), `${fileName}.csv`, 'text/csv')} disabled={rows.length === 0}>
      CSV
    </button>
  );
}
