/**
 * The exercises of "Distributed snapshots and global state", in the order the chapter presents them; each lives in
 * its own file under exercises/, with its test beside it.
 *
 * - Cuts: is a drawn cut consistent, and which message crosses it (`cut-consistent`); how many consistent global
 *   states a small run has (`count-cuts`); and, in code, Mattern's test of a cut from its frontier of vector
 *   timestamps (`cut-test`), graded on random cuts and on snapshots taken without FIFO.
 * - Chandy-Lamport: the marker receiving rule, in code, run inside the lab's snapshot layer under the bank
 *   (`marker-rule`); which transfers a run told event by event records in its channels (`channel-recordings`).
 * - Lai-Yang: the channel states by difference, in code, on links that reorder messages (`lai-yang-channels`).
 * - What snapshots are for: which properties are stable (`stable-properties`), the recovery line of uncoordinated
 *   checkpoints (`recovery-line`), and the records a stream job reads again after restoring from its last complete
 *   barrier snapshot (`pipeline-restore`).
 */
import type { ExerciseSet } from '../catalog';
import { channelRecordings } from './exercises/channel-recordings';
import { countCuts } from './exercises/count-cuts';
import { cutConsistent } from './exercises/cut-consistent';
import { cutTest } from './exercises/cut-test';
import { laiYangChannels } from './exercises/lai-yang-channels';
import { markerRuleExercise } from './exercises/marker-rule';
import { pipelineRestore } from './exercises/pipeline-restore';
import { recoveryLineExercise } from './exercises/recovery-line';
import { stableProperties } from './exercises/stable-properties';

export const exerciseSet: ExerciseSet = {
  chapter: 'global-state/snapshots',
  exercises: [cutConsistent, countCuts, cutTest, markerRuleExercise, channelRecordings, laiYangChannels, stableProperties, recoveryLineExercise, pipelineRestore],
};
