/**
 * The labs of the "CAP, PACELC and consistency models" chapter: histories as clients saw them, sequential models of
 * a register and a key-value map, checkers for linearizability and weaker models, a reader of Jepsen histories,
 * seeded history generators, a replicated store on the simulator, and the figures that draw them.
 */
export * from './history';
export * from './data-types';
export * from './models';
export * from './store';
export * from './clients';
export * from './store-run';
export { checkSequentialConsistency, sessionBefore, DEFAULT_MAX_STEPS } from './sequential';
export type { ConsistencyResult, CheckOptions, Verdict, SequentialWitness } from './sequential';
export { checkCausalConsistency, checkPram, memoryHistory } from './causal';
export type { MemoryHistory, MemoryAccess, ViewsWitness } from './causal';
export {
  checkSessionGuarantees,
  checkReadYourWrites,
  checkMonotonicReads,
  checkMonotonicWrites,
  checkWritesFollowReads,
  checkConvergence,
  SESSION_GUARANTEES,
  SESSION_GUARANTEE_NAMES,
} from './session';
export type { SessionGuarantee, SessionWitness, ConvergenceWitness } from './session';
export * from './linearizability';
export * from './generate';
export { consistencyGallery, judgeGalleryEntry, checkerFor, MODEL_CHECKERS, historyFromRows, randomSmallHistory, findSeparatingHistory } from './gallery';
export type { GalleryEntry, ModelVerdict, MemoryHistoryInput, SmallHistoryOptions } from './gallery';
export * from './jepsen';
export * from './history-figure';
export type { SettledKey } from './session';
