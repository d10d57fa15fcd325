"""Golden fixtures for @cohort/model, produced by HF transformers' GPTNeoXForCausalLM (fp32, CPU).

For each case: a small random GPTNeoXConfig, random weights (biases and LayerNorms perturbed too, so
every parameter matters), token ids and targets (some -100), then:
  logits, loss (mean CE over non-ignored targets), every parameter's gradient,
  and the weights after one clip_grad_norm_ + torch.optim.AdamW step (no decay on biases/LayerNorm).
Writes libs/model/test/fixtures/<case>.safetensors (+ <case>.json with config and optimizer settings).

Usage: .venv/bin/python tools/golden/make_fixtures.py   (needs torch, transformers, safetensors)
"""

import json
import pathlib

import torch
import transformers
from safetensors.torch import save_file
from transformers import GPTNeoXConfig, GPTNeoXForCausalLM

OUT = pathlib.Path(__file__).resolve().parents[2] / "libs/model/test/fixtures"

# Two cases cover: both residual modes, both GELUs, rotary_pct < 1 (0.25 and 0.5), intermediate size
# other than 4h, and T > 64 so attention spans more than one query tile.
CASES = {
    "parallel_gelu": dict(use_parallel_residual=True, hidden_act="gelu", rotary_pct=0.25, intermediate_size=256),
    "sequential_tanh": dict(use_parallel_residual=False, hidden_act="gelu_new", rotary_pct=0.5, intermediate_size=160),
}
B, T = 2, 70
OPTIM = dict(lr=1e-3, beta1=0.9, beta2=0.95, eps=1e-6, weight_decay=0.1)


def hf_name(name: str) -> str:
    # transformers v5 calls the unembedding lm_head; checkpoints (and v4) call it embed_out.
    return "embed_out.weight" if name == "lm_head.weight" else name


def make_case(name: str, overrides: dict, seed: int) -> None:
    torch.manual_seed(seed)
    cfg = GPTNeoXConfig(
        vocab_size=96, hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
        max_position_embeddings=128, rotary_emb_base=10000, layer_norm_eps=1e-5,
        tie_word_embeddings=False, attention_dropout=0.0, hidden_dropout=0.0, **overrides,
    )
    model = GPTNeoXForCausalLM(cfg).float()
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if p.ndim == 1:  # LayerNorm weights around 1, biases around 0
                base = 1.0 if pname.endswith("layernorm.weight") else 0.0
                p.copy_(base + 0.1 * torch.randn_like(p))
            else:
                p.copy_(0.08 * torch.randn_like(p))
    model.train()
    weights = {hf_name(n): p.detach().clone() for n, p in model.named_parameters()}

    ids = torch.randint(0, cfg.vocab_size, (B, T), dtype=torch.int64)
    targets = torch.roll(ids, -1, dims=1)
    targets[:, -1] = -100
    targets[0, 5:9] = -100

    logits = model(input_ids=ids).logits
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, cfg.vocab_size), targets.reshape(-1), ignore_index=-100)
    loss.backward()
    grads = {hf_name(n): p.grad.detach().clone() for n, p in model.named_parameters()}

    params = list(model.named_parameters())
    norm = torch.sqrt(sum((p.grad.double() ** 2).sum() for _, p in params)).item()
    max_norm = 0.5 * norm  # make clipping active
    torch.nn.utils.clip_grad_norm_([p for _, p in params], max_norm)
    decay = [p for n, p in params if p.ndim == 2]  # no decay on biases and LayerNorm (GPT-NeoX)
    no_decay = [p for n, p in params if p.ndim != 2]
    opt = torch.optim.AdamW(
        [dict(params=decay, weight_decay=OPTIM["weight_decay"]), dict(params=no_decay, weight_decay=0.0)],
        lr=OPTIM["lr"], betas=(OPTIM["beta1"], OPTIM["beta2"]), eps=OPTIM["eps"],
    )
    opt.step()

    tensors = {"input_ids": ids.int(), "targets": targets.int(), "logits": logits.detach(), "loss": loss.detach().reshape(1)}
    tensors.update({f"weight.{k}": v for k, v in weights.items()})
    tensors.update({f"grad.{k}": v for k, v in grads.items()})
    tensors.update({f"step1.{hf_name(n)}": p.detach().clone() for n, p in model.named_parameters()})
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(OUT / f"{name}.safetensors"), metadata={"format": "pt"})
    meta = {
        "config": {k: v for k, v in json.loads(cfg.to_json_string()).items()},
        "batch": B, "seq_len": T,
        "optimizer": {**OPTIM, "max_grad_norm": max_norm},
        "grad_norm": norm,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
        "attn_implementation": model.config._attn_implementation,
    }
    (OUT / f"{name}.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"{name}: loss={loss.item():.6f} grad_norm={norm:.6f}")


if __name__ == "__main__":
    torch.set_num_threads(1)
    for i, (name, ov) in enumerate(CASES.items()):
        make_case(name, ov, seed=1000 + i)
