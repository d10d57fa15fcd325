import type { PageSize } from './pagination';

// Every list's page sizes in one place (plain data: the CLI imports it too). Small rows come in
// larger pages: a long run has one loss-curve row per optimiser step.
export const SUITE_PAGE: PageSize = { byDefault: 100, max: 500 };
export const EVALUATION_PAGE: PageSize = { byDefault: 1000, max: 5000 };
export const METRICS_PAGE: PageSize = { byDefault: 1000, max: 10_000 };
export const AUDIT_PAGE: PageSize = { byDefault: 100, max: 500 };
