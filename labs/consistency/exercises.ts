/**
 * The exercises of "CAP, PACELC and consistency models", in the order the chapter presents them; each lives in
 * its own file under exercises/, with its test beside it.
 *
 * - Deciding histories by hand: give a linearization or say there is none (`linearization-order`), the same for
 *   sequential consistency (`sequential-order`), and which values one read may return under linearizability,
 *   sequential or causal consistency (`possible-reads`). Variants are small register histories drawn from an
 *   atomic register, some with one read changed; the lab's own checkers decide them.
 * - CAP and PACELC in numbers: which side of a partition a majority-quorum store keeps serving
 *   (`cp-partition-side`), and how long a quorum read or write takes given the replicas' reply times
 *   (`quorum-latency`).
 * - Code that runs in the lab: a FIFO queue model for the real linearizability checker (`queue-model`), a read
 *   path for the replicated store that reads your writes (`read-your-writes`), and R and W for the Dynamo store
 *   through a partition (`partition-quorum`).
 */
import type { ExerciseSet } from '../catalog';
import { cpPartitionSide } from './exercises/cp-partition-side';
import { linearizationOrder } from './exercises/linearization-order';
import { partitionQuorum } from './exercises/partition-quorum';
import { possibleReads } from './exercises/possible-reads';
import { queueModelExercise } from './exercises/queue-model';
import { quorumLatency } from './exercises/quorum-latency';
import { readYourWrites } from './exercises/read-your-writes';
import { sequentialOrder } from './exercises/sequential-order';

export const exerciseSet: ExerciseSet = {
  chapter: 'consistency/consistency-models',
  exercises: [linearizationOrder, sequentialOrder, possibleReads, cpPartitionSide, quorumLatency, queueModelExercise, readYourWrites, partitionQuorum],
};
