"""A checkpoint exported by Cohort, loaded unchanged by transformers, gives the same logits.

For each (residual mode, GELU) combination: `node export_checkpoint.mjs` trains a small model for a
few steps and saves it; GPTNeoXForCausalLM.from_pretrained loads the directory; the logits are
compared with the ones Cohort computed. Prints the relative error (max|a-b| / max|b|) per case.
Usage: .venv/bin/python tools/golden/check_export.py [cpu|cuda]   (after `npx tsc -b libs/model`)
With `cuda` the model trains on the CUDA backend (fp32): HF loads a CUDA-trained checkpoint.
"""

import pathlib
import subprocess
import sys
import tempfile

import torch
import transformers
from safetensors.torch import load_file
from transformers import GPTNeoXForCausalLM

HERE = pathlib.Path(__file__).resolve().parent
BACKEND = sys.argv[1] if len(sys.argv) > 1 else "cpu"

worst = 0.0
for residual in ("parallel", "sequential"):
    for act in ("gelu", "gelu_new"):
        with tempfile.TemporaryDirectory() as out:
            ckpt = subprocess.check_output(["node", str(HERE / "export_checkpoint.mjs"), out, residual, act, BACKEND], text=True).strip()
            model = GPTNeoXForCausalLM.from_pretrained(ckpt, torch_dtype=torch.float32).eval()
            assert model.config.hidden_act == act and model.config.use_parallel_residual == (residual == "parallel")
            expected = load_file(str(pathlib.Path(out) / "expected.safetensors"))
            with torch.no_grad():
                logits = model(input_ids=expected["input_ids"].long()).logits
            err = ((logits - expected["logits"]).abs().max() / expected["logits"].abs().max()).item()
            worst = max(worst, err)
            print(f"{residual:10s} {act:8s} logits rel err {err:.2e}")
print(f"{BACKEND}-trained, transformers {transformers.__version__}, torch {torch.__version__}: worst {worst:.2e}")
sys.exit(0 if worst <= 1e-4 else 1)
