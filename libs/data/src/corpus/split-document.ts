// Splits a long document into pieces that encode to exactly the same tokens separately as together,
// so one big document can keep both cores busy. A piece boundary is placed only right after a
// newline that follows a non-space character and precedes an ASCII letter ("…word\nWord…"):
//  - the GPT-2 pre-tokenizer regex ends a pre-token there whatever follows (the newline is a
//    whitespace run of its own, and no letter pattern can start with or absorb a newline),
//  - NFC cannot compose across it (newline and the letter are both starters), and
//  - no added token matches across it, as long as no added token contains a newline (callers check).
// BPE merges never cross pre-tokens, so encode(a + b) = encode(a) ++ encode(b).

const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
const isAsciiLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** Pieces of at least `minChars` (except the last), cut only at safe boundaries. */
export function splitDocument(text: string, minChars: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > minChars) {
    let cut = -1;
    for (let nl = text.indexOf('\n', start + minChars); nl >= 0 && nl + 1 < text.length; nl = text.indexOf('\n', nl + 1)) {
      if (!isSpace(text.charCodeAt(nl - 1)) && isAsciiLetter(text.charCodeAt(nl + 1))) {
        cut = nl + 1;
        break;
      }
    }
    if (cut < 0) break;
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}
