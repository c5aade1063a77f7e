/** The introduction's mini-system: two nodes pinging each other over a lossy, delayed link. */
export { pinger, ponger, pingPong, runPingDemo, rttSamples, checkEveryPingAnswered } from './ping';
export type { PingMessage, PingState, PingerState, PongerState, OutstandingPing, RttSample, PingOptions, PingDemoOptions } from './ping';
