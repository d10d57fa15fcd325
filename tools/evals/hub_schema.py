"""The local benchmark files in ../shared/data, rewritten in the schema of the Hugging Face hub data
sets that lm-evaluation-harness's task YAMLs read, so those YAMLs run on them unchanged.

Each converter returns {hub split name: [row, ...]} for the splits there are local files of. Where the local file already is the hub schema the rows
are the file's; where it is not, the conversion is the one the hub's own loading script does
(LogiQA, WikiText), or the inverse of the derived form the local file stores (WinoGrande and WSC273
come in "partial-scoring" form: the sentence with each option substituted, and the rest).
"""

import csv
import json
import re
from pathlib import Path


def _jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def lambada_openai(data: Path):
    return {"test": _jsonl(data / "lambada_openai" / "lambada_test.jsonl")}


def piqa(data: Path):
    rows = _jsonl(data / "piqa" / "valid.jsonl")
    labels = (data / "piqa" / "valid-labels.lst").read_text().split()
    assert len(rows) == len(labels)
    return {"validation": [{**r, "label": int(label)} for r, label in zip(rows, labels)]}


def arc_easy(data: Path):
    return {"test": _jsonl(data / "arc" / "arc_easy_test.jsonl")}


def arc_challenge(data: Path):
    return {"test": _jsonl(data / "arc" / "arc_challenge_test.jsonl")}


def sciq(data: Path):
    def split(name):
        with open(data / "sciq" / f"{name}.json", encoding="utf-8") as f:
            return json.load(f)

    return {"test": split("test"), "validation": split("valid")}


def logiqa(data: Path):
    # EleutherAI/logiqa's loading script (the harness's v0.3 lm_eval/datasets/logiqa/logiqa.py).
    def normalize(text):
        return text.replace(".", ". ").strip()

    def split(name):
        rows = []
        for block in (data / "logiqa" / name).read_text(encoding="utf-8").strip().split("\n\n"):
            lines = block.split("\n")
            rows.append({
                "label": lines[0].strip(),
                "context": normalize(lines[1]),
                "question": normalize(lines[2]),
                "options": [normalize(option[2:]) for option in lines[3:]],
            })
        return rows

    return {"test": split("Test.txt"), "validation": split("Eval.txt")}


def _split_options(context_options):
    """The shared sentence start and the two option strings: the longest common prefix, cut back to
    a word boundary so each option is whole words (WSC273's option normalisation looks at its first word)."""
    a, b = context_options
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    n = a.rfind(" ", 0, n) + 1
    return a[:n], [a[n:], b[n:]]


def winogrande(data: Path):
    # Hub winogrande: `sentence` with a "_" blank, option1/2, answer "1"/"2". lm-eval scores
    # sentence[:blank] + option against sentence[blank+1:].strip(), so the blank's position is
    # all that matters, and any split of the shared prefix rebuilds the same strings.
    rows = []
    for r in _jsonl(data / "winogrande" / "winogrande_dev.jsonl"):
        prefix, options = _split_options(r["context_options"])
        assert "_" not in prefix
        rows.append({"sentence": f"{prefix}_ {r['continuation']}", "option1": options[0], "option2": options[1], "answer": str(r["gold"] + 1)})
    return {"validation": rows}


_POSSESSIVE = ("my", "his", "her", "our", "their")


def wsc273(data: Path):
    # Hub winograd_wsc: `text` with the pronoun at `pronoun_loc`, `options`, `label`. lm-eval's
    # process_doc then appends "'s" to the options of a possessive pronoun and lower-cases a leading
    # "The"/"He"/... mid-sentence; wsc273.jsonl holds the result of that, so its options are put
    # back before it (the "'s" taken off again) and the task's own process_doc redoes it. The
    # pronoun comes from the XML (same schema order; its answer strings are a later revision, so
    # only the pronoun is taken). Continuations starting with punctuation follow the pronoun directly.
    xml = (data / "wsc273" / "WSCollection.xml").read_text(encoding="iso-8859-1")
    pronouns = [" ".join(m.split()) for m in re.findall(r"<text>.*?<pron>(.*?)</pron>", xml, re.S)]
    rows = []
    for r, pronoun in zip(_jsonl(data / "wsc273" / "wsc273.jsonl"), pronouns):
        prefix, options = _split_options(r["context_options"])
        if pronoun.lower() in _POSSESSIVE:
            assert all(o.endswith("'s") for o in options), (r, pronoun)
            options = [o[: -len("'s")] for o in options]
        rest = r["continuation"]
        sep = "" if rest[0] in ".,;:!?" else " "
        rows.append({
            "text": prefix + pronoun + sep + rest,
            "pronoun": pronoun,
            "pronoun_loc": len(prefix),
            "quote": "",
            "quote_loc": 0,
            "options": options,
            "label": r["gold"],
            "source": "",
        })
    assert len(rows) == 273
    return {"test": rows}


def _crows_pairs(data: Path):
    # The hub's BigScienceBiasEval/crows_pairs_multilingual columns; the file is the original
    # 1,508-pair release, not the revised one that data set holds (see the data README).
    with open(data / "crows_pairs" / "crows_pairs_anonymized.csv", encoding="utf-8", newline="") as f:
        rows = [{k: r[k] for k in ("sent_more", "sent_less", "stereo_antistereo", "bias_type")} for r in csv.DictReader(f)]
    return {"test": rows}


crows_pairs_english = _crows_pairs
crows_pairs_english_gender = _crows_pairs


def wikitext(data: Path):
    # EleutherAI/wikitext_document_level's loading script (the harness's v0.3
    # lm_eval/datasets/wikitext/wikitext.py): a new page at each top-level " = Title = " line.
    pages, lines = [], []
    for line in (data / "wikitext2_raw_test" / "wiki.test.raw").read_text(encoding="utf-8").split("\n"):
        rline = line.replace("= = =", "===").replace("= =", "==").strip()
        if rline.startswith("= ") and rline.strip().endswith(" ="):
            page = "\n".join(lines)
            if page.strip():
                pages.append({"page": page})
            lines = []
        lines.append(line)
    pages.append({"page": "\n".join(lines)})
    return {"test": pages}
