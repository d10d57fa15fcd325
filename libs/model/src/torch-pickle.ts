// A restricted unpickler for torch.save's data.pkl: enough of pickle protocols 2-4 to rebuild a
// state dict of tensors, and nothing that can run code. Python's pickle imports any GLOBAL and
// calls it on REDUCE, which is why a hostile pytorch_model.bin can execute commands; here GLOBAL
// resolves only an allow-list of names to TypeScript stand-ins, REDUCE calls only those stand-ins,
// and opcodes that construct arbitrary objects (INST, OBJ, NEWOBJ, EXT*) are unknown opcodes.
import type { DType } from './safetensors';

/** safetensors' dtype names, plus BOOL (HF's causal-mask buffer). */
export type TorchDType = DType | 'BOOL';

/** A persistent id ('storage', type, key, location, numel): the zip entry `data/<key>`. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: TorchDType,
    readonly elementSize: number,
    readonly numel: number,
  ) {}
}

/** What torch._utils._rebuild_tensor_v2 would build, described rather than built. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly storageOffset: number,
    readonly shape: number[],
    readonly strides: number[],
  ) {}
}

/** Throws; typed explicitly so that TypeScript narrows after a call. */
type Fail = (msg: string) => never;

class StorageType {
  constructor(
    readonly dtype: TorchDType,
    readonly elementSize: number,
  ) {}
}

class Callable {
  constructor(readonly call: (args: unknown[], fail: Fail) => unknown) {}
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isIntArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isInt);

// The allow-list. Maps, not object literals: a name lookup must never reach Object.prototype.
const GLOBALS = new Map<string, StorageType | Callable>([
  // Storage classes appear only as the type inside persistent ids (torch 1.x and 2.x both write
  // the legacy typed names, e.g. `torch FloatStorage`). Float/Half/BFloat16 carry the weights;
  // Bool and Byte are the causal mask transformers registered (bool from 4.2x, uint8 before).
  ['torch.FloatStorage', new StorageType('F32', 4)],
  ['torch.HalfStorage', new StorageType('F16', 2)],
  ['torch.BFloat16Storage', new StorageType('BF16', 2)],
  ['torch.BoolStorage', new StorageType('BOOL', 1)],
  ['torch.ByteStorage', new StorageType('U8', 1)],
  // state_dict() is an OrderedDict; a JS Map keeps insertion order too.
  [
    'collections.OrderedDict',
    new Callable((args: unknown[], fail: Fail) => {
      if (args.length !== 0) fail('collections.OrderedDict called with arguments');
      return new Map();
    }),
  ],
  // (storage, storage_offset, size, stride, requires_grad, backward_hooks): what torch emits for a
  // plain tensor. A 7th argument (tensor metadata) only appears for tensors with extra state.
  [
    'torch._utils._rebuild_tensor_v2',
    new Callable((args: unknown[], fail: Fail) => {
      if (args.length !== 6) fail(`_rebuild_tensor_v2 called with ${args.length} arguments (expected 6: a plain tensor)`);
      const [storage, offset, shape, strides, , hooks] = args;
      if (!(storage instanceof StorageRef)) fail('_rebuild_tensor_v2: first argument is not a storage');
      if (!isInt(offset) || offset < 0) fail('_rebuild_tensor_v2: bad storage offset');
      if (!isIntArray(shape) || !isIntArray(strides) || shape.length !== strides.length) fail('_rebuild_tensor_v2: bad size/stride');
      if (!(hooks instanceof Map) || hooks.size !== 0) fail('_rebuild_tensor_v2: tensor has backward hooks');
      return new TensorRef(storage, offset, shape, strides);
    }),
  ],
]);

/**
 * Unpickles a torch.save data.pkl whose root is a dict of tensors. `what` names the file in errors.
 * Throws `<what>: refusing to unpickle global <module>.<name>: only tensor data is allowed` for any
 * global outside the allow-list.
 */
export function unpickleStateDict(pkl: Buffer, what: string): Map<string, TensorRef> {
  const root = unpickle(pkl, what);
  if (!(root instanceof Map)) throw new Error(`${what}: data.pkl is not a dict of tensors`);
  for (const [k, v] of root) {
    if (typeof k !== 'string') throw new Error(`${what}: state dict has a non-string key`);
    if (!(v instanceof TensorRef)) throw new Error(`${what}: state dict entry '${k}' is not a tensor`);
  }
  return root as Map<string, TensorRef>;
}

function unpickle(pkl: Buffer, what: string): unknown {
  let pos = 0;
  let op = 0;
  const fail: Fail = (msg) => {
    throw new Error(`${what}: ${msg} (pickle offset ${op})`);
  };
  const need = (n: number): number => {
    if (pos + n > pkl.length) fail('pickle is truncated');
    const at = pos;
    pos += n;
    return at;
  };
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  // As in Python's unpickler, a MARK starts a new stack: nothing below it can be popped or read.
  const top = (): unknown => {
    if (stack.length === 0 || stack.length === marks[marks.length - 1]) fail('malformed pickle: stack underflow');
    return stack[stack.length - 1];
  };
  const pop = (): unknown => {
    top();
    return stack.pop();
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) fail('malformed pickle: no MARK');
    return stack.splice(m);
  };
  const string = (n: number): string => pkl.toString('utf8', need(n), pos);
  const resolve = (module: string, name: string): unknown => {
    const full = `${module}.${name}`;
    const g = GLOBALS.get(full);
    if (g) return g;
    throw new Error(`${what}: refusing to unpickle global ${full}: only tensor data is allowed`);
  };
  const setItems = (dict: unknown, items: unknown[]): void => {
    if (!(dict instanceof Map)) fail('SETITEM(S) on something that is not a dict');
    if (items.length % 2 !== 0) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
  };
  const append = (list: unknown, items: unknown[]): void => {
    if (!Array.isArray(list)) fail('APPEND(S) on something that is not a list');
    for (const x of items) list.push(x);
  };

  for (;;) {
    op = pos;
    const code = pkl[need(1)];
    switch (code) {
      case 0x80: { // PROTO
        const v = pkl[need(1)];
        if (v < 2 || v > 4) fail(`pickle protocol ${v} is not supported (torch.save writes 2-4)`);
        break;
      }
      case 0x95: // FRAME: a length prefix for buffering; the bytes follow inline
        need(8);
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length !== 0) fail('malformed pickle: STOP with a stack of ' + stack.length);
        return stack[0];
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: { // TUPLE2
        const b = pop(), a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop(), b = pop(), a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(string(pkl.readUInt32LE(need(4))));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(string(pkl[need(1)]));
        break;
      case 0x4a: // BININT
        stack.push(pkl.readInt32LE(need(4)));
        break;
      case 0x4b: // BININT1
        stack.push(pkl[need(1)]);
        break;
      case 0x4d: // BININT2
        stack.push(pkl.readUInt16LE(need(2)));
        break;
      case 0x8a: { // LONG1: little-endian two's complement, for ints past 32 bits
        const n = pkl[need(1)];
        const at = need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(pkl[at + i]);
        if (n > 0 && pkl[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) fail(`integer ${v} is out of range`);
        stack.push(Number(v));
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x73: { // SETITEM
        const v = pop(), k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: { // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x71: // BINPUT
        memo.set(pkl[need(1)], top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(pkl.readUInt32LE(need(4)), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: { // LONG_BINGET
        const i = code === 0x68 ? pkl[need(1)] : pkl.readUInt32LE(need(4));
        if (!memo.has(i)) fail(`malformed pickle: memo ${i} is not set`);
        stack.push(memo.get(i));
        break;
      }
      case 0x63: { // GLOBAL: "module\nname\n"
        const line = (): string => {
          const end = pkl.indexOf(0x0a, pos);
          if (end < 0) fail('pickle is truncated');
          const s = pkl.toString('utf8', pos, end);
          pos = end + 1;
          return s;
        };
        const module = line();
        stack.push(resolve(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop(), module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL without a module and name');
        stack.push(resolve(module, name));
        break;
      }
      case 0x52: { // REDUCE: only our own stand-ins are callable
        const args = pop(), fn = pop();
        if (!(fn instanceof Callable)) fail('REDUCE on something that is not an allowed callable');
        if (!Array.isArray(args)) fail('REDUCE arguments are not a tuple');
        stack.push(fn.call(args, fail));
        break;
      }
      case 0x62: { // BUILD: sets an object's state; torch only BUILDs the state dict (its _metadata)
        pop();
        if (!(top() instanceof Map)) fail('BUILD on something that is not a dict');
        break;
      }
      case 0x51: // BINPERSID
        stack.push(storageRef(pop(), fail));
        break;
      default:
        fail(`unsupported pickle opcode 0x${code.toString(16).padStart(2, '0')} (not one torch.save writes for tensors)`);
    }
  }
}

function storageRef(pid: unknown, fail: Fail): StorageRef {
  if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== 'storage') fail('persistent id is not a (storage, type, key, location, numel) tuple');
  const [, type, key, , numel] = pid;
  if (!(type instanceof StorageType)) fail('persistent id has no storage type');
  if (typeof key !== 'string' || !/^[A-Za-z0-9_]+$/.test(key)) fail(`persistent id has a bad storage key ${JSON.stringify(key)}`);
  if (!isInt(numel) || numel < 0) fail('persistent id has a bad element count');
  return new StorageRef(key, type.dtype, type.elementSize, numel);
}
