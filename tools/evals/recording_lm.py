"""lm-eval's HFLM, unchanged, plus a record of every request it scores.

log_samples gives one entry per document with its (context, continuation) strings and results,
but not the token counts the harness derived from them (after moving trailing context spaces into
the continuation), and for rolling log-likelihood (WikiText) only the document's total. This
subclass notes what reaches `_loglikelihood_tokens`, the one method every score goes through, and
ties it back to the request: per loglikelihood / multiple-choice request its strings' sha256 and token
counts (as tokenized, and as scored after left truncation to the model's length), per rolling
window its token counts.
"""

import hashlib

from lm_eval import utils
from lm_eval.models.huggingface import HFLM


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


class RecordingHFLM(HFLM):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = []  # dicts with task, doc, index, strings, token counts, loglikelihood, isGreedy
        self._scored = []  # (context tokens, scored context tokens, continuation tokens, ll, is_greedy), in request order

    def _loglikelihood_tokens(self, requests, disable_tqdm=False, override_bs=None):
        results = super()._loglikelihood_tokens(requests, disable_tqdm=disable_tqdm, override_bs=override_bs)
        for (_, context, continuation), (ll, greedy) in zip(requests, results):
            # What the model reads is HFLM's `(context + continuation)[-(max_length + 1):][:-1]`.
            scored_context = len((context + continuation)[-(self.max_length + 1):]) - len(continuation)
            self._scored.append((len(context), scored_context, len(continuation), float(ll), bool(greedy)))
        return results

    def loglikelihood(self, requests, disable_tqdm=False):
        start = len(self._scored)
        results = super().loglikelihood(requests, disable_tqdm=disable_tqdm)
        scored = self._scored[start:]
        assert len(scored) == len(requests)
        for req, (n_ctx, n_scored, n_cont, ll, greedy) in zip(requests, scored):
            context, continuation = req.args
            self.records.append({
                "task": req.task_name, "doc": req.doc_id, "index": req.idx,
                # Hashes, not text: the goldens are committed and the benchmark text stays in ../shared.
                "contextSha256": sha256(context), "continuationSha256": sha256(continuation),
                "contextTokens": n_ctx, "scoredContextTokens": n_scored, "continuationTokens": n_cont,
                "loglikelihood": ll, "isGreedy": greedy,
            })
        return results

    def loglikelihood_rolling(self, requests, disable_tqdm=False):
        start = len(self._scored)
        results = super().loglikelihood_rolling(requests, disable_tqdm=disable_tqdm)
        scored = iter(self._scored[start:])
        for req in requests:
            # The same windowing call HFLM.loglikelihood_rolling makes, to know how many windows are this request's.
            windows = utils.get_rolling_token_windows(
                token_list=self.tok_encode(req.args[0]), prefix_token=self.prefix_token_id, max_seq_len=self.max_length, context_len=1,
            )
            for w in range(sum(1 for _ in windows)):
                n_ctx, n_scored, n_cont, ll, greedy = next(scored)
                self.records.append({
                    "task": req.task_name, "doc": req.doc_id, "index": w,
                    "contextTokens": n_ctx, "scoredContextTokens": n_scored, "continuationTokens": n_cont,
                    "loglikelihood": ll, "isGreedy": greedy,
                })
        assert next(scored, None) is None
        return results
