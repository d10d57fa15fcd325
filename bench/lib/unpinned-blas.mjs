// OpenBLAS picks its kernel when it loads: the environment's OPENBLAS_CORETYPE=Haswell (and
// OPENBLAS_L2_SIZE) would pin the AVX2 kernels at half speed, in the engine and in torch's BLAS
// alike, so a benchmark re-runs itself once without them and says so. (Tests never touch these.)
import { spawnSync } from 'node:child_process';

/** Re-executes this script without the pinning variables (exits with its status); a no-op when unpinned. */
export function rerunWithoutPinnedBlas() {
  const pinned = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'].filter((k) => k in process.env);
  if (!pinned.length || process.env.COHORT_BENCH_REEXEC) return;
  const env = { ...process.env, COHORT_BENCH_REEXEC: pinned.join(',') };
  for (const k of pinned) delete env[k];
  const r = spawnSync(process.execPath, process.argv.slice(1), { env, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
