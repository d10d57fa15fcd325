import { formatPercent } from '../format';

/** A bar for the eye and the percentage for everyone; the bar itself is decoration. */
export function ProgressBar({ fraction }: { fraction: number }) {
  const clamped = Math.min(1, Math.max(0, fraction));
  return (
    <span className="progress">
      <span className="progress-track" aria-hidden="true">
        <span className="progress-fill" style={{ width: `${clamped * 100}%` }} />
      </span>
      <span className="progress-text">{formatPercent(clamped)}</span>
    </span>
  );
}
