"""pytorch_model.bin fixtures for @cohort/model's torch.save reader (libs/model/src/torch-*.ts).

A tiny random GPTNeoXForCausalLM written the way Pythia's hub checkpoints are: torch.save's zip
format, `embed_out.weight`, plus the attention buffers transformers 4.x kept in its state dict
(causal mask `attention.bias`, `attention.masked_bias`, `attention.rotary_emb.inv_freq`).
transformers 5 no longer writes .bin files (save_pretrained always writes safetensors) and no longer
has those buffers, so this script calls torch.save itself and adds them back.

Writes libs/model/test/fixtures/torch-bin/:
  f32/          config.json + pytorch_model.bin (state_dict() OrderedDict with _metadata, bool mask)
  f16/          the same weights as fp16 (uint8 mask, as older transformers registered it)
  sharded/      pytorch_model.bin.index.json + 2 shards (plain dicts, as HF's shard_checkpoint wrote)
  safetensors/  the same f32 weights via safetensors.torch.save_file (an independent writer)
  misc/         protocol-4 file with a storage-sharing view, its ZIP64 rewrite, and bad files:
                evil-*.bin (globals that would run a command), compressed, missing or short
                storage, legacy (non-zip) format, non-contiguous tensor, a uint8 "weight"
  reference.json  config, input ids, torch logits for the f32 and fp16-rounded weights, misc values

Usage: .venv/bin/python tools/golden/make_torch_bin_fixture.py   (needs torch, transformers, safetensors)
"""

import io
import json
import os
import pathlib
import shutil
import struct
import subprocess
import zipfile
import zlib

import torch
import transformers
from safetensors.torch import save_file
from transformers import GPTNeoXConfig, GPTNeoXForCausalLM

OUT = pathlib.Path(__file__).resolve().parents[2] / "libs/model/test/fixtures/torch-bin"
# The command the evil pickles would run if anything executed them; the test checks it never appears.
MARKER = "/tmp/cohort-torch-bin-pwned"
SEED = 11
ROTARY_PCT = 0.25
T = 8


def model_and_weights():
    torch.manual_seed(SEED)
    cfg = GPTNeoXConfig(
        vocab_size=128, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=32, rotary_pct=ROTARY_PCT, rotary_emb_base=10000, layer_norm_eps=1e-5,
        use_parallel_residual=True, hidden_act="gelu", tie_word_embeddings=False,
        attention_dropout=0.0, hidden_dropout=0.0,
    )
    model = GPTNeoXForCausalLM(cfg).float().eval()
    with torch.no_grad():
        for name, p in model.named_parameters():  # perturb biases and LayerNorms too: every tensor matters
            if p.ndim == 1:
                p.copy_((1.0 if name.endswith("layernorm.weight") else 0.0) + 0.1 * torch.randn_like(p))
            else:
                p.copy_(0.1 * torch.randn_like(p))
    # Checkpoints (and transformers v4, which wrote Pythia's) call the unembedding embed_out.
    weights = {("embed_out.weight" if k == "lm_head.weight" else k): v.detach().clone() for k, v in model.state_dict().items()}
    return cfg, model, weights


def with_buffers(weights, cfg, mask_dtype, float_dtype):
    """The state dict transformers 4.x saved: per-layer causal mask, masked_bias and inv_freq buffers."""
    sd = {}
    p = cfg.max_position_embeddings
    rot = int(cfg.hidden_size // cfg.num_attention_heads * ROTARY_PCT)
    for k, v in weights.items():
        sd[k] = v.to(float_dtype)
        if k.endswith("attention.dense.bias"):
            pre = k[: -len("dense.bias")]
            sd[pre + "bias"] = torch.tril(torch.ones((p, p), dtype=mask_dtype)).view(1, 1, p, p)
            sd[pre + "masked_bias"] = torch.tensor(-1e9).to(float_dtype)
            sd[pre + "rotary_emb.inv_freq"] = (1.0 / (10000 ** (torch.arange(0, rot, 2).float() / rot))).to(float_dtype)
    return sd


def save_dir(name, cfg, files):
    d = OUT / name
    d.mkdir(parents=True)
    cfg.to_json_file(str(d / "config.json"))
    for fname, obj in files.items():
        if fname.endswith(".json"):
            (d / fname).write_text(json.dumps(obj, indent=2) + "\n")
        else:
            torch.save(obj, d / fname)
    return d


class Evil:
    """torch.save pickles this via __reduce__: loading it with pickle would run fn(*args)."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def rezip(src, dst, transform):
    """Copies a torch zip entry by entry through transform(name, data) -> (name, data, method) | None."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            out = transform(info.filename, zin.read(info))
            if out is not None:
                name, data, method = out
                zout.writestr(zipfile.ZipInfo(name), data, compress_type=method)


def write_zip64(src, dst):
    """Rewrites a stored zip with ZIP64 records, as large (>4 GiB) torch files have them.

    Every local header carries a ZIP64 extra; in the central directory even entries put all three
    fields (uncompressed size, compressed size, local header offset) in the ZIP64 extra and odd ones
    only the offset (the extra then holds just the fields whose 32-bit slot is 0xFFFFFFFF, in order);
    the end record is ZIP64 EOCD + locator + a classic EOCD with every field saturated.
    """
    with zipfile.ZipFile(src) as zin:
        entries = [(i.filename.encode(), zin.read(i)) for i in zin.infolist()]
    out = io.BytesIO()
    central = []
    for n, (name, data) in enumerate(entries):
        off, crc, size = out.tell(), zlib.crc32(data), len(data)
        extra = struct.pack("<HHQQ", 1, 16, size, size)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra)))
        out.write(name + extra + data)
        if n % 2 == 0:
            cextra, csize = struct.pack("<HHQQQ", 1, 24, size, size, off), 0xFFFFFFFF
        else:
            cextra, csize = struct.pack("<HHQ", 1, 8, off), size
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc, csize, csize,
                                   len(name), len(cextra), 0, 0, 0, 0, 0xFFFFFFFF) + name + cextra)
    cd_off = out.tell()
    cd = b"".join(central)
    out.write(cd)
    eocd64 = out.tell()
    out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries), len(cd), cd_off))
    out.write(struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
    dst.write_bytes(out.getvalue())


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    cfg, model, weights = model_and_weights()
    ids = torch.randint(0, cfg.vocab_size, (1, T), dtype=torch.int64, generator=torch.Generator().manual_seed(SEED))
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0]
        # The fp16 file's reference: the same model with every weight rounded to fp16, run in fp32.
        m16 = GPTNeoXForCausalLM(cfg).float().eval()
        m16.load_state_dict({k: v.half().float() for k, v in model.state_dict().items()})
        logits16 = m16(input_ids=ids).logits[0]

    # f32: torch.save(model.state_dict()): an OrderedDict whose _metadata attribute pickles via BUILD.
    sd = with_buffers(weights, cfg, torch.bool, torch.float32)
    od = model.state_dict()  # keeps the OrderedDict type and its _metadata
    od.clear()
    od.update(sd)
    save_dir("f32", cfg, {"pytorch_model.bin": od})
    save_dir("f16", cfg, {"pytorch_model.bin": with_buffers(weights, cfg, torch.uint8, torch.float16)})
    keys = list(sd)
    half = len(keys) // 2
    shards = {"pytorch_model-00001-of-00002.bin": keys[:half], "pytorch_model-00002-of-00002.bin": keys[half:]}
    index = {
        "metadata": {"total_size": sum(v.numel() * v.element_size() for v in sd.values())},
        "weight_map": {k: f for f, ks in shards.items() for k in ks},
    }
    save_dir("sharded", cfg, {"pytorch_model.bin.index.json": index, **{f: {k: sd[k] for k in ks} for f, ks in shards.items()}})
    st = OUT / "safetensors"
    st.mkdir()
    cfg.to_json_file(str(st / "config.json"))
    save_file(weights, str(st / "model.safetensors"))

    misc = OUT / "misc"
    misc.mkdir()
    base = torch.arange(10, dtype=torch.float32) * 0.5 - 1
    small = {
        "base": base,
        "tail": base[3:9].view(2, 3),  # shares base's storage at element offset 3
        "bf16": torch.tensor([1.5, -2.25, 3.0e-3], dtype=torch.bfloat16),
        "scalar": torch.tensor(7.0, dtype=torch.float16),
    }
    torch.save(small, misc / "proto4.bin", pickle_protocol=4)  # FRAME, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL
    write_zip64(misc / "proto4.bin", misc / "zip64.bin")
    # weights_only=True would refuse: torch's own restricted unpickler has no FRAME (protocol 4).
    assert all(torch.equal(a, b) for a, b in zip(torch.load(misc / "zip64.bin", weights_only=False).values(), small.values()))
    with zipfile.ZipFile(misc / "zip64.bin") as z:
        assert z.testzip() is None

    # os.system pickles as posix.system on Linux (its defining module).
    torch.save({"w": torch.ones(2), "x": Evil(os.system, (f"touch {MARKER}",))}, misc / "evil-os-system.bin")
    torch.save({"x": Evil(eval, (f"__import__('os').system('touch {MARKER}')",))}, misc / "evil-eval.bin", pickle_protocol=4)
    # Protocol 3: protocol 2's Python-2 name mapping would write subprocess.Popen as commands.Popen.
    torch.save({"x": Evil(subprocess.Popen, (["touch", MARKER],))}, misc / "evil-popen.bin", pickle_protocol=3)
    tiny = {"w": torch.arange(6, dtype=torch.float32).view(2, 3)}
    torch.save(tiny, misc / "tiny.bin")
    rezip(misc / "tiny.bin", misc / "compressed.bin", lambda n, d: (n, d, zipfile.ZIP_DEFLATED if n.endswith("/data/0") else zipfile.ZIP_STORED))
    rezip(misc / "tiny.bin", misc / "missing-storage.bin", lambda n, d: None if n.endswith("/data/0") else (n, d, zipfile.ZIP_STORED))
    rezip(misc / "tiny.bin", misc / "short-storage.bin", lambda n, d: (n, d[:-4] if n.endswith("/data/0") else d, zipfile.ZIP_STORED))
    (misc / "tiny.bin").unlink()
    torch.save({"gpt_neox.embed_in.weight": torch.zeros(128, 16, dtype=torch.uint8)}, misc / "u8-weight.bin")
    torch.save(tiny, misc / "legacy.bin", _use_new_zipfile_serialization=False)
    torch.save({"wt": torch.arange(6, dtype=torch.float32).view(2, 3).t()}, misc / "noncontiguous.bin")

    ref = {
        "generator": f"tools/golden/make_torch_bin_fixture.py (torch {torch.__version__}, transformers {transformers.__version__})",
        "marker": MARKER,
        "input_ids": ids[0].tolist(),
        "logits_shape": list(logits.shape),
        "logits": logits.flatten().tolist(),
        "logits_f16_weights": logits16.flatten().tolist(),
        "misc": {k: {"shape": list(v.shape), "values": v.float().flatten().tolist()} for k, v in small.items()},
    }
    (OUT / "reference.json").write_text(json.dumps(ref) + "\n")
    total = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file())
    print(f"wrote {OUT} ({total / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
