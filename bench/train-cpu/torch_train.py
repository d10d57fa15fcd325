"""PyTorch reference for bench/train-cpu: HF GPTNeoXForCausalLM (fp32, eager, SDPA attention)
trained with torch.optim.AdamW + clip_grad_norm_, same config/batch/seq/threads as Cohort.
Prints one JSON line: {"sec_per_step": best step time, "torch": version}.
Usage: python torch_train.py d_model layers heads batch seq steps threads
"""

import json
import sys
import time

import torch
from transformers import GPTNeoXConfig, GPTNeoXForCausalLM

d, L, H, B, T, steps, threads = map(int, sys.argv[1:8])
torch.set_num_threads(threads)
torch.manual_seed(0)
V = 50304
cfg = GPTNeoXConfig(vocab_size=V, hidden_size=d, num_hidden_layers=L, num_attention_heads=H, intermediate_size=4 * d,
                    rotary_pct=0.25, max_position_embeddings=2048, use_parallel_residual=True, tie_word_embeddings=False,
                    hidden_act="gelu")
model = GPTNeoXForCausalLM(cfg).float().train()
decay = [p for p in model.parameters() if p.ndim == 2]
no_decay = [p for p in model.parameters() if p.ndim != 2]
opt = torch.optim.AdamW([dict(params=decay, weight_decay=0.1), dict(params=no_decay, weight_decay=0.0)], lr=1e-4, betas=(0.9, 0.95), eps=1e-8)
ids = torch.randint(0, 50277, (B, T))
targets = torch.randint(0, 50277, (B, T))


def step():
    logits = model(input_ids=ids).logits
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    opt.zero_grad(set_to_none=True)


step()  # warm-up
times = []
for _ in range(steps):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
# Best step: the machine's cores are shared, and a slow step measures the neighbours, not PyTorch.
print(json.dumps({"sec_per_step": min(times), "torch": torch.__version__}))
