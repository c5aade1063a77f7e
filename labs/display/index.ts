export * from './outputs';
export { createSink, tableFrom, formatValue, displayLimits, isTrace } from './api';
export type { Display, OutputSink } from './api';
