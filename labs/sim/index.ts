/**
 * The simulator's public API: pure node behaviors (`types`), the deterministic run (`simulation`), its
 * nondeterminism ports (`random`, `clock`, `network`), faults (`interventions`), the record (`trace`), the
 * checkers that read it (`check`) and an observer of replies for runs without a trace (`observe`).
 */
export type { NodeId, Input, Effect, StepContext, StepResult, Step, NodeBehavior } from './types';
export { Random, hashSeed, resolveSeed } from './random';
export { MinHeap } from './event-queue';
export { defaultClock, clockRate, clockReadingMs, globalDurationMs, localDurationMs, resolveClockOptions } from './clock';
export type { ClockOptions } from './clock';
export { defaultNetwork, sampleLatencyMs, roundMs, validateLatency, resolveNetworkOptions, linkOptions } from './network';
export type { Latency, LinkOptions, LinkOverride, NetworkOptions } from './network';
export { describeIntervention, validateIntervention } from './interventions';
export type { Intervention } from './interventions';
export { jsonCopy, eventsOfKind } from './trace';
export type { DropReason, Trace, TraceEvent, TraceEventKind, TraceEventOf, TraceStats } from './trace';
export { Simulation, simulate, NodeError } from './simulation';
export { observeReplies } from './observe';
export type { ReplyObserver } from './observe';
export type { SimulationOptions, TraceOptions } from './simulation';
export { checkNoCreation, checkNoDuplication, checkFifo, formatCheck, okUnlessTruncated } from './check';
export type { CheckResult } from './check';
