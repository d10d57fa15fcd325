"""PyTorch baseline for bench/train-gpu: HF GPTNeoXForCausalLM on CUDA with bf16 autocast,
torch.compile and fused AdamW + clip_grad_norm_, same shapes as Cohort; then eval scoring
(a no-grad forward + log-softmax gather on the same batch) and greedy generation with the KV cache
(16 prompts of 128 tokens, 128 new tokens).
Prints one JSON line: {"sec_per_step", "score_sec", "gen_sec", "torch"}.
Usage: python torch_train_gpu.py d_model layers heads batch seq steps
"""

import json
import sys
import time

import torch
from transformers import GPTNeoXConfig, GPTNeoXForCausalLM

d, L, H, B, T, steps = map(int, sys.argv[1:7])
V = 50304
dev = torch.device("cuda")
torch.manual_seed(0)
cfg = GPTNeoXConfig(vocab_size=V, hidden_size=d, num_hidden_layers=L, num_attention_heads=H, intermediate_size=4 * d,
                    rotary_pct=0.25, max_position_embeddings=T, use_parallel_residual=True, tie_word_embeddings=False,
                    hidden_act="gelu")
model = GPTNeoXForCausalLM(cfg).to(dev).float().train()
decay = [p for p in model.parameters() if p.ndim == 2]
no_decay = [p for p in model.parameters() if p.ndim != 2]
opt = torch.optim.AdamW([dict(params=decay, weight_decay=0.1), dict(params=no_decay, weight_decay=0.0)], lr=1e-4,
                        betas=(0.9, 0.95), eps=1e-8, fused=True)
ids = torch.randint(0, 50277, (B, T), device=dev)
targets = torch.randint(0, 50277, (B, T), device=dev)
compiled = torch.compile(model)


def step():
    with torch.autocast("cuda", dtype=torch.bfloat16):
        logits = compiled(input_ids=ids).logits
        loss = torch.nn.functional.cross_entropy(logits.float().reshape(-1, V), targets.reshape(-1))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    opt.zero_grad(set_to_none=True)


def timed(f):
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    f()
    torch.cuda.synchronize()
    return time.perf_counter() - t0


step()  # warm-up + compile
step()
train = min(timed(step) for _ in range(steps))


@torch.no_grad()
def score():
    with torch.autocast("cuda", dtype=torch.bfloat16):
        logits = compiled(input_ids=ids).logits
    return torch.log_softmax(logits.float(), -1).gather(-1, targets.unsqueeze(-1))


model.eval()
score()
score_sec = min(timed(score) for _ in range(3))

prompts = torch.randint(0, 50277, (16, 128), device=dev)


@torch.no_grad()
def gen():
    with torch.autocast("cuda", dtype=torch.bfloat16):
        model.generate(prompts, max_new_tokens=128, min_new_tokens=128, do_sample=False, use_cache=True,
                       pad_token_id=0)


gen()
gen_sec = timed(gen)
print(json.dumps({"sec_per_step": train, "score_sec": score_sec, "gen_sec": gen_sec, "torch": torch.__version__}))
