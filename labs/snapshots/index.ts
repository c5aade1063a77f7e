/**
 * The lab of "Distributed snapshots and global state": cuts and their consistency, a snapshot layer that wraps any
 * application node (Chandy-Lamport, Lai-Yang, concurrent snapshots by id), a bank whose money a snapshot must
 * conserve, checkers over traces, checkpointing and rollback, and a dataflow pipeline with barrier snapshots.
 */
export * from './types';
export { checkCut, cutFrontier, consistentByVectors, consistentByCausality, consistentCuts, cutLattice, cutLevel, meetCuts, joinCuts, runPath, appEvents, cutOfSnapshot, MAX_CONSISTENT_CUTS } from './cuts';
export type { Cut, CutVerdict, CrossingMessage, AppEvent } from './cuts';
export { withSnapshots, startSnapshot, markerReceiveRule, allChannels, STATE_RECORDED_LOG } from './layer';
export type { SnapshotLayerOptions, LayerState, SnapshotProgress } from './layer';
export { collectSnapshots, channelStateByDifference, recordingsByIdOf } from './collect';
export { bankNode, transfer, randomTransfers, runBank, findFifoFailure, bankValue, TRANSFER_REFUSED_LOG } from './bank';
export type { BankState, BankMessage, TransferRequest, BankRunOptions, BankRun } from './bank';
export {
  checkCompleteness, checkConsistentCut, consistentFrontier, orphanMessages, checkConservation, checkReachable, checkSnapshots,
} from './checkers';
export type { AppOf, CheckSnapshotsOptions } from './checkers';
export { cutFigure, latticeFigure, describeCut, CUT_ROLES, LATTICE_ROLES } from './cut-figure';
export type { CutFigureOptions, LatticeFigureOptions } from './cut-figure';
export {
  runPipeline, checkExactlyOnce, pipelineRecords, partitionOf, pipelineTask, pipelineCoordinator, savedStateBytes,
  PIPELINE_NODES, PIPELINE_INPUTS, PIPELINE_OUTPUTS, PIPELINE_WORDS, PIPELINE_LOG, SINK_LOG,
} from './pipeline';
export type {
  PipelineOptions, PipelineRun, PipelineMessage, PipelineBehaviorOptions, SourceRecord, WordCount, OperatorState, TaskState,
  CoordinatorState, CheckpointSummary, RecoverySummary,
} from './pipeline';
export { recoveryLine, recoveryLineByEnumeration, runCheckpointing, snapshotCheckpoints } from './checkpoints';
export type { Checkpoint, LinePoint, Rollback, RecoveryOptions, RecoveryLine, CheckpointingOptions, CheckpointingRun } from './checkpoints';
export { checkpointFigure, CHECKPOINT_ROLES } from './checkpoint-figure';
export type { CheckpointFigureInput, CheckpointFigureOptions } from './checkpoint-figure';
export { pipelineFigure, pipelineCheckpointTable, pipelineRecoveryTable, describeRun as describePipelineRun, PIPELINE_ROLES } from './pipeline-figure';
export type { PipelineFigureOptions, PipelinePlotSpec } from './pipeline-figure';
export { parseScenario, runScenario, scenarioRun, SCENARIO_SEPARATOR } from './scenario';
export type { Scenario, ScenarioStep } from './scenario';
export { snapshotFigure, snapshotTable, SNAPSHOT_ROLES } from './snapshot-figure';
export type { SnapshotFigureOptions, SnapshotTableRow, SnapshotPlotSpec } from './snapshot-figure';
