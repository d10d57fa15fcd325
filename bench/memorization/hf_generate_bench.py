"""HF transformers' side of bench/memorization/run.mjs: GPTNeoXForCausalLM.generate (greedy,
do_sample=False, one beam, KV cache, fp32, CPU, torch threads as given) over the same windows as
Cohort, batch by batch, scoring each window as the scan does (continuation tokens equal to the true
ones). Prints one JSON line: the best wall time of `repeats` passes after one warm-up batch, and
the scores of the last pass (so run.mjs can check that both engines agree).

Timed: every batch's generate() call and the comparison. Not timed: loading the model and windows.
EOS never stops a row: generation_config.eos_token_id is cleared, so every window gets exactly C
tokens (no min_new_tokens processor altering the logits), as in Cohort's engine.
Usage: .venv/bin/python bench/memorization/hf_generate_bench.py MODEL_DIR WINDOWS_FILE PROMPT CONT THREADS BATCH REPEATS
"""

import json
import sys
import time

import torch
from safetensors.torch import load_file
from transformers import GPTNeoXForCausalLM


def main():
    model_dir, windows_file = sys.argv[1:3]
    prompt, cont, threads, batch, repeats = map(int, sys.argv[3:8])
    torch.set_num_threads(threads)
    model = GPTNeoXForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    model.generation_config.eos_token_id = None
    model.generation_config.pad_token_id = 0
    tokens = load_file(windows_file)["tokens"].to(torch.long)
    prompts, truth = tokens[:, :prompt], tokens[:, prompt : prompt + cont]
    n = tokens.shape[0]

    def scan(limit=n):
        scores = []
        for b0 in range(0, limit, batch):
            ids = prompts[b0 : b0 + batch]
            with torch.inference_mode():
                out = model.generate(
                    input_ids=ids,
                    attention_mask=torch.ones_like(ids),
                    max_new_tokens=cont,
                    do_sample=False,
                    num_beams=1,
                    use_cache=True,
                )
            gen = out[:, prompt:]
            assert gen.shape[1] == cont, gen.shape
            scores.extend((gen == truth[b0 : b0 + batch]).sum(dim=1).tolist())
        return scores

    scan(min(n, batch))  # warm-up: allocator, oneDNN/BLAS kernels, the generation machinery
    best, scores = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        scores = scan()
        best = min(best, time.perf_counter() - t0)
    print(json.dumps({"sec": best, "windows": n, "scores": scores, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()
