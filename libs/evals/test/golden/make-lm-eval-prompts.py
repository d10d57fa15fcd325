# Expected prompts, few-shot contexts and rolling windows computed with lm-evaluation-harness
# 0.4.9's own functions (templates, task utils, ContextSampler, get_rolling_token_windows) over the
# shared data, for libs/evals/test. Run: python make-lm-eval-prompts.py <shared/data> > lm-eval-prompts.json
# (needs lm_eval importable; lm_eval/__init__ is bypassed because it imports every model backend).
import ast, csv, hashlib, importlib.util, json, random, sys, types
from pathlib import Path

spec = importlib.util.find_spec('lm_eval')
pkg = types.ModuleType('lm_eval'); pkg.__path__ = list(spec.submodule_search_locations); sys.modules['lm_eval'] = pkg
from lm_eval.utils import apply_template, get_rolling_token_windows, make_disjoint_window
from lm_eval.api.samplers import ContextSampler
from lm_eval.tasks.logiqa import utils_logiqa
from lm_eval.tasks.wikitext import preprocess_wikitext
from lm_eval.tasks.crows_pairs import utils as crows_utils

data = Path(sys.argv[1])
jsonl = lambda p: [json.loads(l) for l in open(p, encoding='utf-8') if l.strip()]

class Task:
    """The parts of ConfigurableTask that ContextSampler and construct_requests read."""
    def __init__(self, text, target, choice=None, target_delimiter=' ', multiple_input=False):
        self.doc_to_text, self.doc_to_target, self._choice = text, target, choice
        self.multiple_input = multiple_input
        self._config = types.SimpleNamespace(target_delimiter=target_delimiter, fewshot_delimiter='\n\n', fewshot_config=None,
                                             doc_to_choice=choice, fewshot_split=None, test_split='test')
    def doc_to_choice(self, doc): return self._choice(doc)
    def requests(self, doc, ctx):
        d = self._config.target_delimiter
        if self._choice is None: return [(ctx + self.doc_to_text(doc), self.doc_to_target(doc))]
        return [(ctx + self.doc_to_text(doc), d + c) for c in self._choice(doc)]

def digest(per_doc):
    """sha256 over every document's (context, continuation) strings, joined by \\x00/\\x01/\\x02."""
    return hashlib.sha256('\x02'.join('\x01'.join(c + '\x00' + k for c, k in reqs) for reqs in per_doc).encode()).hexdigest()

def case(task, docs, pool=None, shots=2, n=3):
    sampler = ContextSampler(pool if pool is not None else docs, task, rnd=random.Random(1234))
    fewshot = [task.requests(d, sampler.get_context(d, shots)) for d in docs[:n]]
    five = ContextSampler(pool if pool is not None else docs, task, rnd=random.Random(1234))
    # Digests, not text: the golden is committed and the benchmark text stays in ../shared.
    return {'n': len(docs), 'first_sha256': digest([task.requests(docs[0], '')]),
            'fewshot2_n': n, 'fewshot2_sha256': digest(fewshot),
            'all_0shot_sha256': digest(task.requests(d, '') for d in docs),
            'first200_5shot_sha256': digest(task.requests(d, five.get_context(d, 5)) for d in docs[:200])}

out = {}
t = lambda s: (lambda doc: apply_template(s, doc))
lit = lambda s: (lambda doc: ast.literal_eval(apply_template(s, doc)))

lambada = jsonl(data / 'lambada_openai/lambada_test.jsonl')
lambada_task = Task(t("{{text.split(' ')[:-1]|join(' ')}}"), t("{{' '+text.split(' ')[-1]}}"))
out['lambada_openai'] = case(lambada_task, lambada)

goals = jsonl(data / 'piqa/valid.jsonl')
labels = [int(l) for l in open(data / 'piqa/valid-labels.lst') if l.strip()]
piqa = [dict(g, label=l) for g, l in zip(goals, labels)]
out['piqa'] = case(Task(t('Question: {{goal}}\nAnswer:'), lambda d: d['label'], lit('{{[sol1, sol2]}}')), piqa)

arc = Task(t('Question: {{question}}\nAnswer:'), lambda d: d['choices']['label'].index(d['answerKey']), lambda d: d['choices']['text'])
out['arc_easy'] = case(arc, jsonl(data / 'arc/arc_easy_test.jsonl'))
out['arc_challenge'] = case(arc, jsonl(data / 'arc/arc_challenge_test.jsonl'))

sciq = Task(t('{{support.lstrip()}}\nQuestion: {{question}}\nAnswer:'), lambda d: 3, lit('{{[distractor1, distractor2, distractor3, correct_answer]}}'))
sciq_docs = json.load(open(data / 'sciq/test.json'))
out['sciq'] = case(sciq, sciq_docs, pool=json.load(open(data / 'sciq/valid.json')))

def logiqa_docs(path):  # EleutherAI/logiqa's loader, as the data README states it
    norm = lambda s: s.replace('.', '. ').strip()
    for row in open(path, encoding='utf-8').read().strip().split('\n\n'):
        ex = row.split('\n')
        yield {'label': ex[0].strip(), 'context': norm(ex[1]), 'question': norm(ex[2]), 'options': [norm(o[2:]) for o in ex[3:]]}
logiqa = Task(utils_logiqa.doc_to_text, utils_logiqa.doc_to_target, lambda d: d['options'])
out['logiqa'] = case(logiqa, list(logiqa_docs(data / 'logiqa/Test.txt')), pool=list(logiqa_docs(data / 'logiqa/Eval.txt')))

with open(data / 'crows_pairs/crows_pairs_anonymized.csv', newline='', encoding='utf-8') as f:
    crows = [{'sent_more': r['sent_more'], 'sent_less': r['sent_less'], 'bias_type': r['bias_type']} for r in csv.DictReader(f)]
crows_task = Task(lambda d: '', lambda d: 0, crows_utils.doc_to_choice, target_delimiter='')
out['crows_pairs_english'] = case(crows_task, crows)
out['crows_pairs_english_gender'] = case(crows_task, [d for d in crows if d['bias_type'].startswith('gender')])

def wikitext_pages(path):  # EleutherAI/wikitext_document_level's page split
    lines, pages = [], []
    for line in open(path, encoding='utf-8').read().split('\n'):
        r = line.replace('= = =', '===').replace('= =', '==').strip()
        if r.startswith('= ') and r.strip().endswith(' ='):
            if '\n'.join(lines).strip(): pages.append('\n'.join(lines))
            lines = []
        lines.append(line)
    if '\n'.join(lines).strip(): pages.append('\n'.join(lines))
    return pages
pages = wikitext_pages(data / 'wikitext2_raw_test/wiki.test.raw')
res = [preprocess_wikitext.process_results({'page': p}, (0.0,)) for p in pages]
out['wikitext'] = {
    'n': len(pages),
    'first_page_start_sha256': hashlib.sha256(pages[0][:200].encode()).hexdigest(),
    'detokenized_first_600_sha256': hashlib.sha256(preprocess_wikitext.wikitext_detokenizer({'page': pages[0]})[:600].encode()).hexdigest(),
    'detokenized_sha256': hashlib.sha256('\x00'.join(preprocess_wikitext.wikitext_detokenizer({'page': p}) for p in pages).encode()).hexdigest(),
    'words': [r['word_perplexity'][1] for r in res],
    'bytes': [r['byte_perplexity'][1] for r in res],
}

tokens = list(range(100, 111))
out['rolling_windows'] = {str(m): [list(map(list, make_disjoint_window(w))) for w in get_rolling_token_windows(tokens, 0, m, 1)] for m in (1, 3, 4, 11, 20)}
# lm-eval's TemplateLM.loglikelihood tokenization with the Pythia tokenizer, for prompts whose seam
# matters: lambada's " word", wsc273's double space, an empty crows-pairs context, sciq's long prompt.
from tokenizers import Tokenizer
from lm_eval.api.model import TemplateLM
pythia = Tokenizer.from_file(str(data / 'gpt_neox_20b_tokenizer/tokenizer.json'))
lm = types.SimpleNamespace(tok_encode=lambda s: pythia.encode(s, add_special_tokens=False).ids)
def encode(ctx, cont):
    if ctx == '': return [0], lm.tok_encode(cont)  # prefix_token_id: GPT-NeoX's eos <|endoftext|>
    return TemplateLM._encode_pair(lm, ctx, cont)
# Prompts from the data are named by (task, doc, request), not copied; the rest are literal.
from_data = [('lambada_openai', lambada_task, lambada, 0), ('sciq', sciq, sciq_docs, 3), ('crows_pairs_english', crows_task, crows, 0)]
literal = [['The city councilmen refused the demonstrators a permit because the city councilmen', '  feared violence.'],
           ['Question: What is it?\nAnswer: ', 'yes'], ['a\n\n', 'b']]
out['pythia_encode_pair'] = (
    [{'task': name, 'doc': 0, 'request': i, 'ids': list(map(list, encode(*task.requests(docs[0], '')[i])))} for name, task, docs, i in from_data]
    + [{'context': c, 'continuation': k, 'ids': list(map(list, encode(c, k)))} for c, k in literal])
json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
