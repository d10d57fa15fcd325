"""lm-evaluation-harness task YAMLs for the local data: each `include:`s the harness's own YAML
(so doc_to_text / doc_to_target / doc_to_choice / process_docs / process_results / metrics are the
harness's, !function helpers included) and overrides only where the documents come from.

The hub data sets are unreachable, so the documents are the local files converted to the hub schema
(hub_schema.py) and read with `dataset_path: json`. The splits declared are the ones there are local
files of (no training split anywhere): the evaluated one is `test_split` (the hub's test split, else
its validation split, whatever the hub calls it), a local validation split next to a test split
stays `validation_split`, and no fewshot_split is set. The harness then takes few-shot examples by
its own fallback rule (Task.fewshot_docs): from the validation split where there is one (SciQ,
LogiQA), else from the evaluated documents, drawing `shots` and dropping the evaluated document if
drawn (ContextSampler.get_context), as it does for tasks with only a test split (wsc273).
"""

import json
from pathlib import Path

import lm_eval.tasks

import hub_schema

OFFICIAL = Path(lm_eval.tasks.__file__).parent

# task -> the harness YAML it includes (relative to lm_eval/tasks)
TASKS = {
    "lambada_openai": "lambada/lambada_openai.yaml",
    "piqa": "piqa/piqa.yaml",
    "arc_easy": "arc/arc_easy.yaml",
    "arc_challenge": "arc/arc_challenge.yaml",
    "sciq": "sciq/sciq.yaml",
    "logiqa": "logiqa/logiqa.yaml",
    "winogrande": "winogrande/default.yaml",
    "wsc273": "wsc273/default.yaml",
    "crows_pairs_english": "crows_pairs/crows_pairs_english.yaml",
    "crows_pairs_english_gender": "crows_pairs/crows_pairs_english_gender.yaml",
    "wikitext": "wikitext/wikitext.yaml",
}


def write_tasks(data: Path, out: Path, names) -> Path:
    """Converts the data of `names` into `out` and writes one YAML per task there; returns the
    folder to hand to TaskManager(include_path=...). The evaluated split's file is <name>.<split>.jsonl
    with <split> = the YAML's test_split."""
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        if name not in TASKS:
            raise SystemExit(f"unknown task {name}; lm-eval has no local form of it here (known: {', '.join(TASKS)})")
        splits = getattr(hub_schema, name)(data)
        evaluated = "test" if "test" in splits else "validation"
        files = {}
        for split, rows in splits.items():
            files[split] = out / f"{name}.{split}.jsonl"
            with open(files[split], "w", encoding="utf-8") as f:
                for row in rows:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        # JSON is a subset of YAML: no quoting rules to get wrong for paths or strings.
        config = {
            "include": str(OFFICIAL / TASKS[name]),
            "task": name,
            "dataset_path": "json",
            "dataset_name": None,
            "dataset_kwargs": {"data_files": {split: str(path) for split, path in files.items()}},
            "training_split": None,
            "validation_split": "validation" if evaluated == "test" and "validation" in splits else None,
            "test_split": evaluated,
            "fewshot_split": None,
        }
        (out / f"{name}.yaml").write_text(json.dumps(config, indent=2) + "\n")
    return out
