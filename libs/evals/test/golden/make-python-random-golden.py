# CPython's random module and lm-eval 0.4.9's stderr functions on small inputs, for
# test/python-random.test.ts and test/metrics.test.ts. Run: python make-python-random-golden.py > python-random.json
import contextlib, importlib.util, json, random, sys, types

spec = importlib.util.find_spec('lm_eval')  # bypass lm_eval/__init__, which imports every model backend
pkg = types.ModuleType('lm_eval'); pkg.__path__ = list(spec.submodule_search_locations); sys.modules['lm_eval'] = pkg
from lm_eval.api.metrics import bootstrap_stderr, mean, mean_stderr, perplexity

def draws(seed, population, k, times):
    r = random.Random(seed)
    return {'population': population, 'k': k, 'draws': [r.sample(range(population), k) for _ in range(times)]}

r, s, big = random.Random(1234), random.Random(1234), random.Random(2**40 + 7)
xs = [-0.5 * i / 7.0 - 1.0 / (i + 3) for i in range(37)]
with contextlib.redirect_stdout(sys.stderr):  # bootstrap_stderr prints a progress line
    boot = bootstrap_stderr(perplexity, xs, iters=3000)
accs = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0]
out = {
    'seed1234_getrandbits32': [r.getrandbits(32) for _ in range(5)],
    'seed1234_random': [s.random() for _ in range(5)],
    'seed1234_sample_sequence': draws(1234, 100, 5, 4),  # n > setsize: the rejection-set algorithm
    'seed1234_sample_small': draws(1234, 10, 3, 3),      # n <= setsize: the pool-swap algorithm
    'seed1234_sample_k8_n40': draws(1234, 40, 8, 1),     # k > 5 enlarges setsize
    'seed_2pow40_plus7_getrandbits32': [big.getrandbits(32) for _ in range(3)],
    'lm_eval_bootstrap_perplexity': {'items': xs, 'iters': 3000, 'stderr': boot, 'perplexity': perplexity(xs)},
    'lm_eval_mean_stderr': {'items': accs, 'mean': mean(accs), 'stderr': mean_stderr(accs)},
}
json.dump(out, sys.stdout, indent=1)
