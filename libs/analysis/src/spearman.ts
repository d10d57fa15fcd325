// Spearman's rank correlation with scipy.stats.spearmanr's two-sided p-value.
import { isConstant, pearson, ranks } from './descriptive';
import { studentTSf } from './distributions';

export interface SpearmanResult {
  rho: number;
  pValue: number;
  n: number;
}

/**
 * rho is Pearson's r of the average ranks; the p-value is scipy's: t = rho·√((n−2)/((1+rho)(1−rho)))
 * against Student t with n − 2 df, two-sided. As scipy, rho and p are NaN for fewer than two
 * pairs or a constant side (the correlation is undefined, not zero); with |rho| = 1 the p-value
 * is 0 from three pairs up and NaN for two (no degrees of freedom). NaN input is rejected.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): SpearmanResult {
  if (x.length !== y.length) throw new RangeError(`spearman: lengths differ (${x.length} vs ${y.length})`);
  const n = x.length;
  if (n < 2 || isConstant(x) || isConstant(y)) return { rho: NaN, pValue: NaN, n };
  const rho = pearson(ranks(x), ranks(y));
  const df = n - 2;
  if (df === 0) return { rho, pValue: NaN, n };
  const t = rho * Math.sqrt(Math.max(0, df / ((1 + rho) * (1 - rho))));
  return { rho, pValue: 2 * studentTSf(Math.abs(t), df), n };
}
