#!/usr/bin/env bash
# Regenerates libs/evals/test/golden/lm-eval/ from the parity fixture model with lm-eval itself.
# Limits keep the goldens small (~2 MB; each request keeps its strings' sha256, never the benchmark
# text, which stays in ../shared) and the run to ~3 min on 2 cores; WSC273 (273) and WikiText (62 documents)
# are whole. 5-shot covers both few-shot sources: the evaluated split less the document itself
# (arc_easy, piqa, winogrande) and a validation split (sciq, logiqa).
# Run from anywhere; needs .venv with lm_eval 0.4.9.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=libs/evals/test/golden/lm-eval
rm -rf "$out"
ref() { .venv/bin/python tools/evals/lm_eval_reference.py --model libs/evals/test/fixtures/parity-model --out "$out" "$@"; }
ref --shots 0 --limit 200 --tasks lambada_openai,piqa,arc_easy,arc_challenge,winogrande,crows_pairs_english,crows_pairs_english_gender
ref --shots 0 --limit 100 --tasks sciq,logiqa
ref --shots 0 --tasks wsc273,wikitext
ref --shots 5 --limit 100 --tasks arc_easy,piqa,winogrande
ref --shots 5 --limit 25 --tasks sciq,logiqa
