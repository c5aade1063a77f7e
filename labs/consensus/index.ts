/**
 * The lab of the "Consensus" chapter: Raft (Ongaro and Ousterhout, 2014) as a pure node for the simulator, a
 * cluster runner, and checkers for the guarantees of the paper's Figure 3.
 */
export { raftNode, runRaft, nodeIds, leadersByTerm, appliedByNode, defaultRaftOptions, grantVoteRule, advanceCommitIndex, advanceCommitIndexNaive } from './raft';
export type {
  RaftState,
  RaftDurableState,
  RaftMessage,
  RaftOptions,
  RaftRole,
  RaftRunOptions,
  LogEntry,
  AppliedEntry,
  ClientCommand,
} from './raft';
export {
  checkElectionSafety,
  checkLogMatching,
  checkLeaderCompleteness,
  checkStateMachineSafety,
  checkProgress,
  checkRaftSafety,
} from './checkers';
export type { ProgressOptions } from './checkers';
export * from './paxos';
export * from './lease';
export * from './scenarios';
