// GPT-2's reversible byte → printable-character map (`bytes_to_unicode`), used by byte-level BPE
// so every byte sequence, valid UTF-8 or not, is spelled with 256 visible symbols (space → 'Ġ').

/** The 256 byte-level symbols in GPT-2's order: printable bytes first, then the rest shifted to 256+. */
export const BYTE_LEVEL_ALPHABET: readonly string[] = (() => {
  const printable: number[] = [];
  const add = (from: number, to: number) => { for (let b = from; b <= to; b++) printable.push(b); };
  add(0x21, 0x7e);
  add(0xa1, 0xac);
  add(0xae, 0xff);
  const symbols: string[] = printable.map((b) => String.fromCodePoint(b));
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    if (!printable.includes(b)) symbols.push(String.fromCodePoint(256 + shifted++));
  }
  return symbols;
})();

/** byte value → its symbol. */
export const BYTE_TO_SYMBOL: readonly string[] = (() => {
  const table: string[] = new Array(256);
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let shifted = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(printable(b) ? b : 256 + shifted++);
  return table;
})();
