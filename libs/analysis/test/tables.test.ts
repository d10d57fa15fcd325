import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCsv } from '../src/tables';

test('csv: RFC 4180 quoting (comma, quote, CR, LF), CRLF records, numbers, null, NaN', () => {
  const csv = toCsv([
    { model: 'pythia-70m', note: 'plain', value: 0.1 },
    { model: 'a,b', note: 'say "hi"', value: -1e-7 },
    { model: 'two\nlines', note: 'cr\rhere', value: null },
    { model: ' spaced ', note: '', value: NaN },
    { model: 'inf', note: 'x', value: Infinity },
  ]);
  assert.equal(
    csv,
    'model,note,value\r\n' +
      'pythia-70m,plain,0.1\r\n' +
      '"a,b","say ""hi""",-1e-7\r\n' +
      '"two\nlines","cr\rhere",\r\n' +
      ' spaced ,,\r\n' +
      'inf,x,Infinity\r\n',
  );
});

test('csv: columns default to every key in order of first appearance; given columns select and order', () => {
  const rows = [{ a: 1, b: 2 }, { c: 'x', a: 3 }];
  assert.equal(toCsv(rows), 'a,b,c\r\n1,2,\r\n3,,x\r\n');
  assert.equal(toCsv(rows, ['c', 'a']), 'c,a\r\n,1\r\nx,3\r\n');
  assert.equal(toCsv([], ['only']), 'only\r\n');
  assert.equal(toCsv([{ 'odd,name': 1 }]), '"odd,name"\r\n1\r\n');
});
