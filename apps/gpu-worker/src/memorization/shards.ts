// The scores of a memorization scan on disk: shard k covers windows [k·shardSize, min((k+1)·shardSize,
// n)) of the plan and is one file of one byte per window, written atomically once; a shard whose
// file exists with the right length is complete. readScanScores assembles a finished scan, and
// writeScanArtefact writes it as one compact safetensors file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@cohort/data';
import { writeSafetensorsAtomic } from './io';
import { readScanPlan, readWindowIndex, shardRange, type ScanPlanFile } from './windows';

export const SHARDS_DIR = 'shards';
export const shardFile = (dir: string, shard: number): string => join(dir, SHARDS_DIR, `shard-${String(shard).padStart(6, '0')}.scores`);

/** A shard's scores when its file is complete (exists with one byte per window), else null. */
export function readShard(dir: string, plan: Pick<ScanPlanFile, 'count' | 'shardSize'>, shard: number): Uint8Array | null {
  const { from, to } = shardRange(plan, shard);
  const path = shardFile(dir, shard);
  if (!existsSync(path) || statSync(path).size !== to - from) return null;
  return new Uint8Array(readFileSync(path));
}

export function writeShard(dir: string, plan: Pick<ScanPlanFile, 'count' | 'shardSize'>, shard: number, scores: Uint8Array): void {
  const { from, to } = shardRange(plan, shard);
  if (scores.length !== to - from) throw new Error(`shard ${shard} covers ${to - from} windows, got ${scores.length} scores`);
  writeFileAtomic(shardFile(dir, shard), scores);
}

export const memorizedCount = (scores: Uint8Array, continuation: number): number => scores.reduce((n, s) => n + (s === continuation ? 1 : 0), 0);

/** Every window of a finished scan with its score: the per-sequence result of the scan. */
export interface ScanScores {
  scores: Uint8Array;
  sequence: Int32Array;
  offset: Int32Array;
  /** −1 for sequence-start windows. */
  plantedId: Int32Array;
}

/** Assembles all shards of a scan; fails naming the shards that are missing or incomplete. */
export function readScanScores(dir: string): ScanScores {
  const plan = readScanPlan(dir);
  if (!plan) throw new Error(`${dir}: no memorization scan planned here`);
  const scores = new Uint8Array(plan.count);
  const missing: number[] = [];
  for (let k = 0; k < plan.shards; k++) {
    const s = readShard(dir, plan, k);
    if (s) scores.set(s, k * plan.shardSize);
    else missing.push(k);
  }
  if (missing.length) {
    const list = missing.length > 20 ? `${missing.slice(0, 20).join(', ')}, … (${missing.length} in all)` : missing.join(', ');
    throw new Error(`memorization scan ${dir} is incomplete: shard${missing.length > 1 ? 's' : ''} ${list} of ${plan.shards} missing`);
  }
  const w = readWindowIndex(dir);
  return { scores, sequence: w.sequence, offset: w.offset, plantedId: w.plantedId };
}

/** The compact artefact: scores U8 [n], sequence / offset / planted_id I32 [n], one safetensors file. */
export function writeScanArtefact(path: string, s: ScanScores): void {
  const n = s.scores.length;
  for (const [name, a] of [['sequence', s.sequence], ['offset', s.offset], ['plantedId', s.plantedId]] as const) {
    if (a.length !== n) throw new Error(`scan artefact: ${name} has ${a.length} entries for ${n} scores`);
  }
  writeSafetensorsAtomic(path, [
    { name: 'scores', dtype: 'U8', shape: [n], data: s.scores },
    { name: 'sequence', dtype: 'I32', shape: [n], data: s.sequence },
    { name: 'offset', dtype: 'I32', shape: [n], data: s.offset },
    { name: 'planted_id', dtype: 'I32', shape: [n], data: s.plantedId },
  ]);
}
