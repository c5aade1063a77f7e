/**
 * The lab of "Distributed snapshots and global state": cuts and their consistency, a snapshot layer that wraps any
 * application node (Chandy-Lamport, Lai-Yang, concurrent snapshots by id), a bank whose money a snapshot must
 * conserve, checkers over traces, checkpointing and rollback, and a dataflow pipeline with barrier snapshots.
 */
export * from './types';
