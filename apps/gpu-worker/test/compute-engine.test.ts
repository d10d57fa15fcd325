import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { backendInfo } from '@cohort/model';
import { chooseEngine, inferenceOptions, trainingOptions, trainingPrecision, type ComputeEngine } from '../src/compute-engine';
import { loadConfig } from '../src/config';

// The worker's choice of backend and precision, against the real native addon of this machine.
const info = backendInfo();
const hasCuda = info.backend === 'cuda';
const cpu: ComputeEngine = { backend: 'cpu', device: null };
const gpu: ComputeEngine = { backend: 'cuda', device: 'NVIDIA H200 (compute 9.0, 139.8 GiB)' };

describe('the compute engine a worker chooses', () => {
  test('auto takes CUDA only where the addon can use it; cpu is always honoured', () => {
    const auto = chooseEngine('auto', 2);
    assert.equal(auto.backend, hasCuda ? 'cuda' : 'cpu');
    assert.equal(auto.device === null, !hasCuda, 'a device is named exactly when CUDA is used');
    assert.equal(auto.threads, 2);
    assert.deepEqual(chooseEngine('cpu'), { backend: 'cpu', threads: undefined, device: null });
  });

  test('cuda without a usable device refuses to start, with the addon\u2019s reason', { skip: hasCuda && 'this machine has CUDA' }, () => {
    assert.throws(() => chooseEngine('cuda'), (err: Error) => {
      assert.match(err.message, /^COHORT_BACKEND=cuda, but this addon cannot use CUDA: /);
      assert.ok(err.message.includes(info.cudaUnavailableReason ?? 'no device'));
      return true;
    });
  });

  test('COHORT_BACKEND takes auto, cpu or cuda (default auto)', () => {
    const env = { DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db' };
    assert.equal(loadConfig(env).COHORT_BACKEND, 'auto');
    assert.equal(loadConfig({ ...env, COHORT_BACKEND: 'cuda' }).COHORT_BACKEND, 'cuda');
    assert.throws(() => loadConfig({ ...env, COHORT_BACKEND: 'tpu' }), /COHORT_BACKEND/);
  });
});

describe('a run\u2019s training precision', () => {
  test('auto is bf16 on CUDA and fp32 on CPU; an explicit precision is kept', () => {
    assert.equal(trainingPrecision('auto', gpu, 'r'), 'bf16');
    assert.equal(trainingPrecision(undefined, gpu, 'r'), 'bf16');
    assert.equal(trainingPrecision('auto', cpu, 'r'), 'fp32');
    assert.equal(trainingPrecision(undefined, cpu, 'r'), 'fp32', 'runs planned before precisions existed');
    assert.equal(trainingPrecision('fp32', gpu, 'r'), 'fp32');
    assert.equal(trainingPrecision('bf16', gpu, 'r'), 'bf16');
  });

  test('bf16 on a CPU worker fails the run at once, naming it and why', () => {
    assert.throws(() => trainingPrecision('bf16', cpu, 'small-standard'), (err: ApplicationFailure) => {
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.nonRetryable, true);
      assert.equal(err.message, 'run small-standard: precision bf16 needs a CUDA worker; this one computes on cpu');
      return true;
    });
  });

  test('training uses the run\u2019s precision on the worker\u2019s backend; scoring is fp32 everywhere', () => {
    assert.deepEqual(trainingOptions({ ...gpu, threads: 4 }, 'bf16'), { threads: 4, backend: 'cuda', precision: 'bf16' });
    assert.deepEqual(inferenceOptions(gpu), { threads: undefined, backend: 'cuda', precision: 'fp32' });
    assert.deepEqual(inferenceOptions(cpu), { threads: undefined, backend: 'cpu', precision: 'fp32' });
  });
});
