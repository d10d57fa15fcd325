import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** tools/analysis/make_reference.py's output: scipy and numpy on hand-chosen inputs. */
export const reference = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'test', 'golden', 'scipy-reference.json'), 'utf8'));

/** |actual − expected| ≤ rel·|expected|, or ≤ abs near zero (where a relative bound means nothing). */
export function close(actual: number, expected: number, rel = 1e-12, abs = 0, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= Math.max(rel * Math.abs(expected), abs), `${what} ${actual} ≉ ${expected}`);
}
