# Reference values for libs/analysis from scipy and numpy, for the tests in libs/analysis/test.
# The inputs are fixed here (hand-picked, or drawn once with a fixed seed) and stored with the
# answers, so a failing test points at the TypeScript, not at a new sample. Run from the repository
# root (scipy 1.17, numpy 2):
#   .venv/bin/python tools/analysis/make_reference.py
# which rewrites libs/analysis/test/golden/scipy-reference.json.
import json
import pathlib

import numpy as np
import scipy
from scipy import special, stats

OUT = pathlib.Path(__file__).resolve().parents[2] / 'libs/analysis/test/golden/scipy-reference.json'
rng = np.random.default_rng(20240601)


def floats(xs):
    return [float(x) for x in xs]


def draws(xs):
    """Random inputs rounded to 4 decimals: the reference is computed on the rounded values, and
    the JSON stays small."""
    return floats(np.round(xs, 4))


def special_cases():
    lgamma_x = [1e-8, 0.1, 0.5, 1, 1.5, 2, 2.5, 7.3, 9.999, 10, 33.3, 150.7, 1e4, 1e6]
    gamma_ax = [(0.5, 0.1), (0.5, 2), (1, 1.5), (3, 0.5), (3, 10), (2.5, 40), (12.5, 12), (12.5, 30),
                (100, 90), (100, 130), (1e4, 1e4 + 50), (142500, 142000), (142500, 144000), (3e5, 2.9e5)]
    beta_abx = [(0.5, 0.5, 0.3), (2, 3, 0.4), (10, 0.5, 0.9), (0.5, 5, 0.01), (50, 0.5, 0.99),
                (5e4, 0.5, 0.99999), (3.5, 0.5, 0.2), (1, 1, 0.75)]
    return {
        'gammaln': [{'x': x, 'value': float(special.gammaln(x))} for x in lgamma_x],
        'gammainc': [{'a': a, 'x': x, 'p': float(special.gammainc(a, x)), 'q': float(special.gammaincc(a, x))}
                     for a, x in gamma_ax],
        'betainc': [{'a': a, 'b': b, 'x': x, 'value': float(special.betainc(a, b, x))} for a, b, x in beta_abx],
    }


def distribution_cases():
    poisson = []
    for lam in [0.3, 2.5, 5.12, 7, 40.2, 300]:
        ks = sorted({0, 1, 2, int(lam), int(lam) + 3, int(2 * lam) + 5, int(lam + 8 * lam ** 0.5) + 10})
        for k in ks:
            poisson.append({'k': k, 'lambda': lam, 'pmf': float(stats.poisson.pmf(k, lam)),
                            'cdf': float(stats.poisson.cdf(k, lam)), 'sf': float(stats.poisson.sf(k, lam))})
    ppf = [{'p': p, 'lambda': lam, 'k': float(stats.poisson.ppf(p, lam))}
           for lam in [0, 0.3, 2.5, 5.12, 40.2, 300]
           for p in [1e-9, 0.001, 0.1, 0.5, 0.9, 0.999, 1 - 1e-9]]
    chi2 = [{'x': x, 'df': df, 'sf': float(stats.chi2.sf(x, df)), 'cdf': float(stats.chi2.cdf(x, df))}
            for x, df in [(0.5, 1), (3, 2), (10, 3), (1e-3, 5), (30, 30.5), (80, 20), (100, 120), (400, 300),
                          (250000, 249999), (251500, 249999)]]
    t = [{'t': tv, 'df': df, 'sf': float(stats.t.sf(tv, df))}
         for tv, df in [(0.5, 1), (-1.2, 3), (2.1, 10), (3.7, 28), (10, 5), (40, 3), (0.01, 1e5), (1, 1e5),
                        (5, 1e5), (3, 1e6), (2, 1e7), (-2.5, 7.5), (0, 4)]]
    return {'poisson': poisson, 'poissonPpf': ppf, 'chi2': chi2, 't': t}


def descriptive_cases():
    samples = [
        [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5],
        [-2.5, 0.0, 7.25, -2.5, 1e-3, 0.0, 0.0, 12.0],
        draws(rng.normal(10, 3, 25)),
    ]
    out = []
    for xs in samples:
        a = np.array(xs, dtype=float)
        out.append({'x': floats(a), 'mean': float(a.mean()), 'std': float(a.std(ddof=1)), 'min': float(a.min()),
                    'max': float(a.max()), 'ranks': floats(stats.rankdata(a))})
    x = draws(rng.normal(0, 1, 40))
    y = draws(0.6 * np.array(x) + rng.normal(0, 1, 40))
    return {'samples': out, 'pearson': {'x': x, 'y': y, 'r': float(np.corrcoef(x, y)[0, 1])}}


def spearman_cases():
    x30 = np.round(rng.normal(0, 1, 30), 4)
    cases = [
        ('ties', [1, 2, 2, 3, 5, 5, 5, 8, 9, 10], [2, 1, 3, 3, 4, 6, 5, 9, 7, 7]),
        ('continuous n=30', floats(x30), draws(0.4 * x30 + rng.normal(0, 1, 30))),
        ('anti-monotone with ties', [1, 2, 3, 4, 5, 6], [9, 7, 7, 4, 2, 1]),
        ('n=3', [1, 2, 3], [1, 3, 2]),
        ('counts, many ties, n=500', floats(rng.poisson(3, 500)), floats(rng.poisson(3, 500))),
        ('weak, n=1000', draws(rng.normal(0, 1, 1000)), None),
    ]
    out = []
    for name, x, y in cases:
        if y is None:
            y = draws(0.05 * np.array(x) + rng.normal(0, 1, len(x)))
        r = stats.spearmanr(x, y)
        out.append({'name': name, 'x': x, 'y': y, 'rho': float(r.statistic), 'pValue': float(r.pvalue)})
    return out


def pool_cells(bins, lam):
    """Cells of consecutive counts walked up from 0, closed once they expect >= 5 bins, the last
    taking the upper tail; a last cell expecting < 5 merges into the previous one."""
    n = len(bins)
    cells, lo, expected, k = [], 0, 0.0, 0
    while True:
        expected += n * stats.poisson.pmf(k, lam)
        above = n * stats.poisson.sf(k, lam)
        if above < 5:
            if expected + above < 5 and cells:
                cells[-1]['hi'] = None
                cells[-1]['expected'] += expected + above
            else:
                cells.append({'lo': lo, 'hi': None, 'expected': expected + above})
            break
        if expected >= 5:
            cells.append({'lo': lo, 'hi': k, 'expected': expected})
            lo, expected = k + 1, 0.0
        k += 1
    for c in cells:
        hi = np.inf if c['hi'] is None else c['hi']
        c['observed'] = int(((bins >= c['lo']) & (bins <= hi)).sum())
        c['expected'] = float(c['expected'])
    return cells


def poisson_test_case(name, flags, bin_size):
    flags = np.asarray(flags, dtype=int)
    n = len(flags) // bin_size
    bins = flags[: n * bin_size].reshape(n, bin_size).sum(axis=1)
    lam = bins.mean()
    d = float(((bins - lam) ** 2).sum() / lam)
    sf, cdf = stats.chi2.sf(d, n - 1), stats.chi2.cdf(d, n - 1)
    cells = pool_cells(bins, lam)
    if len(cells) >= 3:
        fit = stats.chisquare([c['observed'] for c in cells], [c['expected'] for c in cells], ddof=1)
        chi = {'statistic': float(fit.statistic), 'df': len(cells) - 2, 'pValue': float(fit.pvalue)}
    else:
        chi = {'statistic': None, 'df': len(cells) - 2, 'pValue': None}
    positions = (np.arange(1, n + 1) - 0.5) / n
    return {
        'name': name, 'binSize': bin_size, 'sequences': len(flags), 'memorizedAt': np.flatnonzero(flags).tolist(),
        'bins': bins.tolist(), 'droppedSequences': len(flags) - n * bin_size, 'lambda': float(lam),
        'dispersion': {'statistic': d, 'df': n - 1, 'pValue': float(sf), 'pValueTwoSided': float(min(1, 2 * min(sf, cdf)))},
        'chiSquare': {**chi, 'pooledCells': cells},
        'qq': {'theoretical': floats(stats.poisson.ppf(positions, lam)), 'sample': sorted(bins.tolist())},
    }


def poisson_test_cases():
    uniform = (rng.random(50 * 64 + 17) < 0.05).astype(int)
    bunched = np.zeros(60 * 32, dtype=int)
    for start in [96, 640, 650, 1200, 1210, 1220]:  # memorized sequences cluster in a few stretches
        bunched[start: start + 40] = rng.random(40) < 0.6
    bunched |= rng.random(len(bunched)) < 0.01
    sparse = (rng.random(30 * 100) < 0.002).astype(int)
    default_size = (rng.random(120 * 512 + 300) < 0.01).astype(int)
    return [
        poisson_test_case('uniform rate 0.05, bin 64, 17 dropped', uniform, 64),
        poisson_test_case('bunched, bin 32', bunched, 32),
        poisson_test_case('sparse rate 0.002, bin 100', sparse, 100),
        poisson_test_case('rate 0.01, default bin 512', default_size, 512),
    ]


def term_frequency_case():
    frequency = np.round(10 ** rng.uniform(4.5, 8.7, 400))  # occurrence counts
    correct = (rng.random(400) < np.clip(0.1 * np.log10(frequency) - 0.3, 0, 1)).astype(int)
    edges = np.geomspace(1e5, 2e8, 21)
    n, _ = np.histogram(frequency, edges)
    hits, _ = np.histogram(frequency, edges, weights=correct)
    return {'frequency': floats(frequency), 'correct': correct.tolist(), 'edges': floats(edges),
            'n': n.tolist(), 'correctPerBin': floats(hits)}


def stability_case():
    # Leave-one-out prediction interval: the last seed against the other five.
    others = np.array([0.48, 0.5, 0.46, 0.47, 0.49])
    t = (0.6 - others.mean()) / (others.std(ddof=1) * np.sqrt(1 + 1 / len(others)))
    return {'values': [0.48, 0.5, 0.46, 0.47, 0.49, 0.6], 't': float(t), 'pValue': float(2 * stats.t.sf(t, len(others) - 1))}


reference = {
    'versions': {'scipy': scipy.__version__, 'numpy': np.__version__},
    'special': special_cases(),
    'distributions': distribution_cases(),
    'descriptive': descriptive_cases(),
    'spearman': spearman_cases(),
    'poissonTest': poisson_test_cases(),
    'termFrequency': term_frequency_case(),
    'stability': stability_case(),
}
OUT.write_text(json.dumps(reference, allow_nan=False, separators=(',', ':')) + '\n')
print(f'wrote {OUT} ({OUT.stat().st_size} bytes)')
