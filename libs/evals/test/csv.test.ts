import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCsv, parseCsvRecords } from '../src/csv';

test('csv: quoted commas, doubled quotes, newlines inside quotes, CRLF, no final newline', () => {
  assert.deepEqual(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",\n,last'), [
    ['a', 'b'],
    ['x, y', 'say "hi"'],
    ['two\nlines', ''],
    ['', 'last'],
  ]);
  assert.deepEqual(parseCsvRecords(',sent\n0,"He said, ""no."""\n'), [{ '': '0', sent: 'He said, "no."' }]);
  assert.throws(() => parseCsv('"open'), /unterminated quoted field/);
  assert.throws(() => parseCsvRecords('a,b\n1\n'), /a row has 1 fields, the header 2/);
});
