/**
 * The lab of "Time, clocks and the order of events": logical clocks (Lamport, vector, hybrid) over a random
 * message exchange, the brute-force causality oracle and the checkers built on it, NTP's offset and delay,
 * Marzullo's algorithm, and TrueTime with commit wait.
 */
export { lamportClock, vectorClock, hybridClock, compareVectors, mergeVectors, compareHlc, hlcPhysicalMs, productClock } from './logical';
export type { NodeId, LogicalClock, VectorTimestamp, VectorOrder, HlcTimestamp } from './logical';
export { clockNode, runExchange, stampedEvents, loggedEvent, eventId } from './exchange';
export type { ExchangeMessage, StampedEvent, ExchangeOptions, ClockNodeOptions, ClockNodeState } from './exchange';
export {
  happensBefore,
  causalPast,
  causalFuture,
  concurrentWith,
  concurrentPairs,
  assignStamps,
  checkLamportRespectsCausality,
  checkVectorCharacterisesCausality,
  checkHlc,
} from './causality';
export type { ProcessEvent } from './causality';
export { ntpOffset, ntpDelay, ntpClient, ntpServer, runNtp } from './ntp';
export type { NtpTimestamps, NtpMessage, NtpSample, NtpRunSample, NtpRunOptions, NtpState } from './ntp';
export { marzullo, marzulloBruteForce, ntpIntersection, ntpIntersectionBruteForce } from './marzullo';
export type { SourceInterval, MarzulloResult, IntersectionResult } from './marzullo';
export { ttNow, runTrueTime, checkExternalConsistency, trueTimeClient, trueTimeServer, serverFor, COMMIT_WAIT_MARGIN_MS } from './truetime';
export type { TTInterval, TrueTimeRunOptions, Commit, TrueTimeMessage, TrueTimeState, TrueTimeClientState, TrueTimeServerState } from './truetime';
