// Memorization scans (Pythia §4): windows of the training stream, scored by greedy extraction.
export {
  sampleSource,
  sequenceCount,
  sequenceStartWindows,
  plantedPatterns,
  plantedWindows,
  saveWindowList,
  readScanPlan,
  readWindowList,
  shardRange,
  shardCount,
  settingsMismatch,
  PLAN_FILE,
  WINDOWS_FILE,
  type WindowList,
  type WindowKind,
  type SequenceRange,
  type SampleSource,
  type PlantedPattern,
  type EncodingTokenizer,
  type ScanSettings,
  type ScanPlanFile,
  type Progress,
} from './windows';
export { scoreWindows, scanShard, MAX_CONTINUATION, type GreedyGenerator, type ShardScan } from './scan';
export { readShard, writeShard, shardFile, memorizedCount, readScanScores, writeScanArtefact, SHARDS_DIR, type ScanScores } from './shards';
export { SafetensorsFile } from './io';
