"""Runs lm-evaluation-harness itself (its HFLM, fp32, CPU) on an HF GPT-NeoX model directory over the
local benchmark data, and writes one JSON per task: every scored request (strings, token counts,
log-likelihood, is_greedy), every metric with its stderr, and the versions that produced them.
These files are the goldens Cohort's evaluation is held to (libs/evals/test/lm-eval-parity.test.ts).

Usage (from the repo root):
  .venv/bin/python tools/evals/lm_eval_reference.py --model libs/evals/test/fixtures/parity-model \
      --tasks arc_easy,piqa --shots 0 --limit 200 --out libs/evals/test/golden/lm-eval
Writes <out>/<task>-<shots>shot.json. The model directory needs config.json, model.safetensors and
tokenizer.json; its <|endoftext|> token is lm-eval's prefix token, as for Pythia.
"""

import argparse
import hashlib
import json
import platform
import sys
import tempfile
from pathlib import Path

import lm_eval_compat  # noqa: F401  (before lm_eval)

import datasets
import torch
import transformers
from importlib.metadata import version
from lm_eval import evaluator
from lm_eval.api import metrics as lm_metrics
from lm_eval.tasks import TaskManager
from transformers import GPTNeoXForCausalLM, PreTrainedTokenizerFast

import local_tasks
from recording_lm import RecordingHFLM

REPO = Path(__file__).resolve().parents[2]
EOD = "<|endoftext|>"
BOOTSTRAP_ITERS = 100000  # lm-eval's default


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_lm(model_dir: Path, batch_size: int, threads: int) -> RecordingHFLM:
    torch.set_num_threads(threads)
    # tokenizer.json alone carries no bos/eos roles; Pythia's tokenizer_config names <|endoftext|>
    # for both, which makes it lm-eval's prefix token (HFLM.prefix_token_id: bos, else eos).
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(model_dir / "tokenizer.json"), bos_token=EOD, eos_token=EOD)
    model = GPTNeoXForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    return RecordingHFLM(pretrained=model, tokenizer=tokenizer, batch_size=batch_size, device="cpu")


def stderr_kind(aggregation) -> str | None:
    """How lm-eval computes the stderr of a metric with this aggregation (api/metrics.stderr_for_metric)."""
    fn = lm_metrics.stderr_for_metric(aggregation, BOOTSTRAP_ITERS)
    if fn is None:
        return None
    return "mean" if fn is lm_metrics.mean_stderr else "bootstrap"


def task_json(name, result, task, samples, records, args, model_dir, data_file):
    metrics = []
    for metric, aggregation in task.aggregation().items():
        stderr = result.get(f"{metric}_stderr,none")
        metrics.append({
            "metric": metric,
            "value": result[f"{metric},none"],
            "stderr": stderr if isinstance(stderr, float) else None,
            "stderrKind": stderr_kind(aggregation),
        })
    return {
        "task": name,
        "version": str(task.config.metadata["version"]),
        "shots": args.shots,
        "limit": args.limit,
        "n": len(samples),
        "generator": "tools/evals/lm_eval_reference.py",
        "versions": {
            "lm_eval": version("lm_eval"), "torch": torch.__version__, "transformers": transformers.__version__,
            "datasets": datasets.__version__, "python": platform.python_version(),
        },
        "settings": {
            "model": "HFLM fp32 cpu", "batchSize": args.batch_size, "threads": args.threads,
            "maxLength": args.lm.max_length, "prefixTokenId": args.lm.prefix_token_id,
            "fewshotSeed": 1234,
            "fewshotSource": "lm-eval's fallback (no training split): the validation split, else the evaluated one less the document itself",
            "bootstrapIters": BOOTSTRAP_ITERS,
        },
        "sha256": {
            "config.json": sha256(model_dir / "config.json"), "model.safetensors": sha256(model_dir / "model.safetensors"),
            "tokenizer.json": sha256(model_dir / "tokenizer.json"), "taskData(hub-schema jsonl)": sha256(data_file),
        },
        "metrics": metrics,
        # Per-document metric items, to point at the document behind a differing aggregate; gold
        # indices kept, target strings not (they are in the requests, and WikiText's are whole pages).
        "docs": [
            {"doc": s["doc_id"], **({"gold": s["target"]} if isinstance(s["target"], int) else {}), **{m: s[m] for m in s["metrics"]}}
            for s in sorted(samples, key=lambda s: s["doc_id"])
        ],
        "requests": sorted(records, key=lambda r: (r["doc"], r["index"])),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--tasks", required=True, help="comma-separated: " + ",".join(local_tasks.TASKS))
    p.add_argument("--shots", type=int, default=0)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    names = args.tasks.split(",")
    args.lm = load_lm(args.model, args.batch_size, args.threads)

    with tempfile.TemporaryDirectory(prefix="lm-eval-local-") as tmp:
        task_dir = local_tasks.write_tasks(args.data, Path(tmp), names)
        out = evaluator.simple_evaluate(
            model=args.lm, tasks=names, num_fewshot=args.shots, limit=args.limit, log_samples=True,
            bootstrap_iters=BOOTSTRAP_ITERS, task_manager=TaskManager(include_path=str(task_dir), include_defaults=False),
        )
        tasks = evaluator.get_task_dict(names, TaskManager(include_path=str(task_dir), include_defaults=False))
        args.out.mkdir(parents=True, exist_ok=True)
        by_task = {name: [] for name in names}
        for r in args.lm.records:
            by_task[r.pop("task")].append(r)
        for name, records in by_task.items():
            data_file = Path(tmp) / f"{name}.{tasks[name].config.test_split}.jsonl"
            doc = task_json(name, out["results"][name], tasks[name], out["samples"][name], records, args, args.model, data_file)
            path = args.out / f"{name}-{args.shots}shot.json"
            path.write_text(json.dumps(doc, indent=None, ensure_ascii=False, separators=(",", ":")) + "\n")
            summary = ", ".join(f"{m['metric']} {m['value']:.6g}" for m in doc["metrics"])
            print(f"{path}: n={doc['n']} requests={len(records)} {summary}", file=sys.stderr)


if __name__ == "__main__":
    main()
