// How numbers read on the page: compact where only the size matters, exact where it is a key.

const EMPTY = '—';

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const grouped = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** 1234567 → "1.2M" (parameters, tokens). */
export const formatCompact = (n: number | null | undefined): string => (n == null ? EMPTY : compact.format(n));

/** 9017.6 → "9,018". */
export const formatInteger = (n: number | null | undefined): string => (n == null ? EMPTY : grouped.format(n));

export const formatLoss = (loss: number | null | undefined): string => (loss == null ? EMPTY : loss.toFixed(4));

export const formatPercent = (fraction: number): string => `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.01 ? 1 : 0)}%`;

/** 3725 → "1h 02m", 75 → "1m 15s", 0 → "0s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return EMPTY;
  const s = Math.max(0, Math.round(seconds));
  const [h, m, rest] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso));

/** The first characters of a content hash: enough to tell hashes apart by eye. */
export const shortHash = (hash: string): string => hash.slice(0, 12);

/**
 * A table cell or attribute value as text, nothing as a dash. Numbers keep 4 decimals, or 4
 * significant digits below 1, so a p-value of 0.000025 does not read as 0.
 */
export function formatValue(value: string | number | boolean | null | undefined): string {
  if (value == null || value === '') return EMPTY;
  if (typeof value !== 'number' || Number.isInteger(value)) return String(value);
  return String(Number(Math.abs(value) >= 1 ? value.toFixed(4) : value.toPrecision(4)));
}
