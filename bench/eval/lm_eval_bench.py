"""lm-evaluation-harness's side of bench/eval/run.mjs: its HFLM (fp32, CPU, torch threads as given)
evaluates each task over the local data (the same task YAMLs as the parity goldens,
tools/evals/local_tasks.py) and prints one JSON line per task: the best wall time of `repeats`
calls of lm_eval.evaluator.evaluate after one warm-up, with the requests and documents scored.

Timed: evaluate() = building the requests (prompts, few-shot), tokenizing, the model's forward
passes, the metrics; bootstrap stderrs off (bootstrap_iters=0) on both sides. Not timed: loading
the model, converting the data, loading it into datasets, building the task objects.
Usage: .venv/bin/python bench/eval/lm_eval_bench.py MODEL_DIR TASKS LIMIT THREADS BATCH REPEATS
"""

import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools" / "evals"))

import lm_eval_compat  # noqa: F401,E402  (before lm_eval)

import torch  # noqa: E402
from lm_eval import evaluator  # noqa: E402
from lm_eval.models.huggingface import HFLM  # noqa: E402
from lm_eval.tasks import TaskManager  # noqa: E402
from transformers import GPTNeoXForCausalLM, PreTrainedTokenizerFast  # noqa: E402

import local_tasks  # noqa: E402

EOD = "<|endoftext|>"


def main():
    model_dir, tasks, limit, threads, batch, repeats = sys.argv[1:7]
    names, limit, threads, batch, repeats = tasks.split(","), int(limit), int(threads), int(batch), int(repeats)
    torch.set_num_threads(threads)
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(Path(model_dir) / "tokenizer.json"), bos_token=EOD, eos_token=EOD)
    model = GPTNeoXForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    lm = HFLM(pretrained=model, tokenizer=tokenizer, batch_size=batch, device="cpu")
    with tempfile.TemporaryDirectory(prefix="lm-eval-bench-") as tmp:
        task_dir = local_tasks.write_tasks(REPO.parent / "shared" / "data", Path(tmp), names)
        tasks = evaluator.get_task_dict(names, TaskManager(include_path=str(task_dir), include_defaults=False))
        for name in names:
            task = tasks[name]
            task.set_config(key="num_fewshot", value=0)
            task.set_fewshot_seed(seed=1234)
            times = []
            for _ in range(repeats + 1):
                t0 = time.perf_counter()
                evaluator.evaluate(lm=lm, task_dict={name: task}, limit=limit, bootstrap_iters=0, log_samples=False, verbosity="ERROR")
                times.append(time.perf_counter() - t0)
            best = min(times[1:])  # times[0] is the warm-up
            docs = len({i.doc_id for i in task.instances})
            print(json.dumps({"task": name, "sec": best, "requests": len(task.instances), "docs": docs}), flush=True)


if __name__ == "__main__":
    main()
