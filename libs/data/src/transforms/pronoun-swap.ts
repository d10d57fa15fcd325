// Gendered-pronoun swap, the intervention of Pythia §6 (GPT-NeoX branch `new-intervention`).
//
// mode 'swap' (default): he↔she, him↔her, his↔her/hers, hers→his, himself↔herself.
// mode 'to-feminine': only masculine → feminine (he→she, him→her, his→her/hers, himself→herself),
//   the direction Pythia's intervention used.
// Case follows the source word: "he"→"she", "He"→"She", "HE"→"SHE".
//
// The ambiguous words are resolved from the next word:
//   her → "his" when followed (after spaces) by a word that is not a function word ("her book",
//         "her own"), else "him" ("saw her.", "gave her the book", "told her that").
//   his → "her" when followed by such a content word ("his book"), else "hers" ("the book is his.").
// Words are ASCII letter runs not touching other letters, digits, '_' or non-ASCII bytes.
import type { TextEdit, TextTransform } from './transform';

/** Words after which an object "her" is much likelier than a possessive one. */
const FUNCTION_WORDS = new Set(
  ('a an the this that these those to of in on at by for with from into onto about as than and or but nor so yet if ' +
    'when while because although though since until after before up down out off over again away back too very ' +
    'not no all any each every both either neither some such i you he she it we they me him her us them my your ' +
    'his its our their is was are were be been being am has have had do does did will would shall should can could ' +
    'may might must now then there here how why what which who whom whose where').split(' '),
);

const MASCULINE: Record<string, string> = { he: 'she', him: 'her', himself: 'herself' };
const FEMININE: Record<string, string> = { she: 'he', hers: 'his', herself: 'himself' };

const isWordByte = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c >= 0x80;

function matchCase(source: string, target: string): string {
  if (source.length > 1 && source === source.toUpperCase()) return target.toUpperCase();
  if (source[0] === source[0].toUpperCase()) return target[0].toUpperCase() + target.slice(1);
  return target;
}

/** Whether the word after position `end` is a content word (so a preceding her/his is possessive). */
function followedByContentWord(bytes: string, end: number): boolean {
  let i = end;
  while (i < bytes.length && (bytes[i] === ' ' || bytes[i] === '\t')) i++;
  const m = /^[A-Za-z]+/.exec(bytes.slice(i, i + 40));
  return m !== null && !FUNCTION_WORDS.has(m[0].toLowerCase());
}

export class PronounSwap implements TextTransform {
  readonly id: string;

  constructor(readonly mode: 'swap' | 'to-feminine' = 'swap') {
    this.id = `pronoun-swap/1:${mode}`;
  }

  private replace(word: string, bytes: string, end: number): string | null {
    const w = word.toLowerCase();
    if (w in MASCULINE) return MASCULINE[w];
    if (w === 'his') return followedByContentWord(bytes, end) ? 'her' : 'hers';
    if (this.mode === 'to-feminine') return null;
    if (w in FEMININE) return FEMININE[w];
    if (w === 'her') return followedByContentWord(bytes, end) ? 'his' : 'him';
    return null;
  }

  edits(bytes: string): TextEdit[] {
    const out: TextEdit[] = [];
    for (const m of bytes.matchAll(/[A-Za-z]+/g)) {
      const start = m.index!;
      const end = start + m[0].length;
      if ((start > 0 && isWordByte(bytes.charCodeAt(start - 1))) || (end < bytes.length && isWordByte(bytes.charCodeAt(end)))) continue;
      const target = this.replace(m[0], bytes, end);
      if (target !== null) out.push({ start, end, replacement: matchCase(m[0], target) });
    }
    return out;
  }
}
