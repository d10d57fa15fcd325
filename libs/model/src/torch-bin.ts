// Reads torch.save's zip format (what `pytorch_model.bin` files are since torch 1.6):
// `<archive>/data.pkl` (the state dict, unpickled by the restricted unpickler) plus one raw
// little-endian storage per `<archive>/data/<key>` entry. Nothing in the file can run code.
import { closeSync, openSync, readSync } from 'node:fs';
import { type TorchDType, unpickleStateDict } from './torch-pickle';
import { ZipReader } from './torch-zip';

export interface TorchTensor {
  dtype: TorchDType;
  shape: number[];
  /** In elements, as torch reports them; always the contiguous strides (anything else is refused). */
  strides: number[];
  /** In elements, into the storage. */
  storageOffset: number;
  /** The tensor's bytes: a view into its storage. */
  bytes: Buffer;
}

/** A pytorch_model.bin (zip format) as name → tensor; the legacy pre-1.6 format is refused. */
export function readTorchBin(path: string): Map<string, TorchTensor> {
  refuseLegacy(path);
  const zip = ZipReader.open(path);
  try {
    const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
    if (pkls.length !== 1) throw new Error(`${path}: zip has ${pkls.length} <archive>/data.pkl entries (expected 1): not a torch.save file`);
    const archive = pkls[0].slice(0, -'data.pkl'.length);
    // Archives without a byteorder entry predate it and are little-endian.
    const order = zip.entries.has(archive + 'byteorder') ? zip.read(archive + 'byteorder').toString('utf8').trim() : 'little';
    if (order !== 'little') throw new Error(`${path}: storages are ${order}-endian; only little-endian files are supported`);

    const storages = new Map<string, Buffer>();
    const out = new Map<string, TorchTensor>();
    for (const [name, t] of unpickleStateDict(zip.read(pkls[0]), path)) {
      const s = t.storage;
      const entry = `${archive}data/${s.key}`;
      let data = storages.get(s.key);
      if (!data) {
        if (!zip.entries.has(entry)) throw new Error(`${path}: storage '${entry}' of tensor '${name}' is missing from the archive`);
        data = zip.read(entry);
        storages.set(s.key, data);
      }
      // Checked per reference, not per read: views of one storage each restate its type and size.
      if (data.length !== s.numel * s.elementSize)
        throw new Error(`${path}: storage '${entry}' has ${data.length} bytes, but tensor '${name}' says ${s.numel} × ${s.dtype} (${s.numel * s.elementSize} bytes)`);
      // Row-major strides (any stride on a size-1 dim) are the only layout the engine reads; a
      // transposed or strided view would need a gather, and HF's state dicts never hold one.
      const numel = t.shape.reduce((a, b) => a * b, 1);
      let step = 1;
      for (let d = t.shape.length - 1; d >= 0; d--) {
        if (numel > 0 && t.shape[d] !== 1 && t.strides[d] !== step)
          throw new Error(`${path}: tensor '${name}' is not contiguous (shape [${t.shape}], strides [${t.strides}]); save it with .contiguous()`);
        step *= t.shape[d];
      }
      if (t.storageOffset + numel > s.numel)
        throw new Error(`${path}: tensor '${name}' (offset ${t.storageOffset}, ${numel} elements) runs past its storage (${s.numel} elements)`);
      const begin = t.storageOffset * s.elementSize;
      out.set(name, { dtype: s.dtype, shape: t.shape, strides: t.strides, storageOffset: t.storageOffset, bytes: data.subarray(begin, begin + numel * s.elementSize) });
    }
    return out;
  } finally {
    zip.close();
  }
}

// Before torch 1.6, torch.save wrote a bare pickle stream (magic number, then the pickle, then
// storages), and before that a tar archive; neither is zip, and both need a full unpickler.
function refuseLegacy(path: string): void {
  const head = Buffer.alloc(512);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n >= 4 && head.readUInt32LE(0) === 0x04034b50) return;
  const legacy = (n > 0 && head[0] === 0x80) || (n >= 262 && head.toString('latin1', 257, 262) === 'ustar');
  if (legacy) throw new Error(`${path}: legacy (pre-1.6, non-zip) torch.save format is not supported; re-save it with torch >= 1.6 or convert it to safetensors`);
  throw new Error(`${path}: not a torch.save zip archive (no zip signature at the start)`);
}
