/**
 * The late policy: what share of a submission's points it keeps, given when it was submitted. Pure.
 *
 * - On time (at or before the student's due instant, their extension applied): everything is kept.
 * - `none` or no policy: late work keeps nothing.
 * - `per-day` / `per-hour`: each started day (24 hours of elapsed time, not calendar days, so a DST change does not
 *   make one day 23 hours long) or hour after the due instant costs `percent`% of the points, never below `floor`%
 *   (default 0). One millisecond late is one started day.
 * - `zeroAfter`: after it, late work keeps nothing. A student with an extension has their `zeroAfter` moved by the
 *   same amount as their due date, so an extension never leaves less late time than the rest of the class has.
 */
import { dueInstant, resolveLocal, type Manifest } from './manifest';

export interface LatePenalty {
  /** The share of the points kept, in [0, 1]. */
  multiplier: number;
  /** How late, in ms; 0 when on time. */
  lateByMs: number;
  /** One sentence for the feedback, e.g. "Submitted 1 day 2 hours late (2 started days at 10% each): 80% of the points kept." */
  reason: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** "2 days 3 hours 5 minutes", to the minute (rounded up, so 1 ms late reads "1 minute"). */
export function describeDuration(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [
    days ? `${days} day${days === 1 ? '' : 's'}` : '',
    hours ? `${hours} hour${hours === 1 ? '' : 's'}` : '',
    rest ? `${rest} minute${rest === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return parts.join(' ') || '0 minutes';
}

function percentText(value: number): string {
  return `${Number(value.toFixed(4))}%`;
}

/** What a submission at `submittedAtMs` keeps under the manifest's late policy (see the file comment). */
export function latePenalty(manifest: Manifest, studentId: string, submittedAtMs: number): LatePenalty {
  const due = dueInstant(manifest, studentId);
  const lateByMs = Math.max(0, submittedAtMs - due);
  const extended = manifest.extensions !== undefined && Object.hasOwn(manifest.extensions, studentId);
  if (lateByMs === 0) return { multiplier: 1, lateByMs: 0, reason: extended ? 'On time (with an extension).' : 'On time.' };
  const late = `Submitted ${describeDuration(lateByMs)} ${extended ? 'after the extended due date' : 'late'}`;
  const policy = manifest.late ?? { kind: 'none' as const };
  if (policy.kind === 'none') return { multiplier: 0, lateByMs, reason: `${late}: late work gets 0.` };
  if (policy.zeroAfter !== undefined) {
    const shift = due - dueInstant(manifest);
    if (submittedAtMs > resolveLocal(policy.zeroAfter, manifest.timeZone).instantMs + shift) {
      return { multiplier: 0, lateByMs, reason: `${late}, after the last date late work is accepted${shift ? ' (moved by the extension)' : ''}: 0 points.` };
    }
  }
  const unit = policy.kind === 'per-day' ? 'day' : 'hour';
  const started = Math.ceil(lateByMs / (policy.kind === 'per-day' ? DAY_MS : HOUR_MS));
  const floor = policy.floor ?? 0;
  const kept = Math.max(floor, Math.max(0, 100 - started * policy.percent));
  const atFloor = kept === floor && 100 - started * policy.percent < floor;
  return {
    multiplier: Math.round(kept * 1e6) / 1e8,
    lateByMs,
    reason: `${late} (${started} started ${unit}${started === 1 ? '' : 's'} at ${percentText(policy.percent)} each): ${percentText(kept)} of the points kept${atFloor ? ' (the floor)' : ''}.`,
  };
}
