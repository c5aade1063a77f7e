/**
 * The labs of the "Content delivery networks" chapter: what a request's latency is made of, request routing by
 * anycast over an AS graph, edge cache eviction policies and Zipf-like workloads with Che's approximation, and
 * the cost of traffic under 95th-percentile billing.
 */
export * from './latency';
export * from './cache';
export * from './billing';
export * from './workload';
export * from './anycast';
export * from './che';
export * from './failover';
export * from './edge';
export * from './edge-checkers';
export * from './latency-figure';
export * from './hit-ratio-figure';
export * from './bill-figure';
export * from './pop-balance';
export * from './failover-figure';
export * from './edge-figure';
