/**
 * The labs of the "Partitioning and distributed hash tables" chapter: placement schemes (modulo, consistent hashing
 * with virtual nodes and bounded loads, rendezvous, jump, Maglev) and two structured overlays as pure nodes for the
 * simulator (Chord and Kademlia).
 */
export * from './hash';
export * from './placement';
export * from './ring';
export * from './rendezvous';
export * from './jump';
export * from './maglev';
export * from './chord';
export * from './kademlia';
export * from './chord-store';
