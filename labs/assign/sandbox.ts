/**
 * The sandboxed regrader: a class's submission files graded with the book's own graders, each submission in a child
 * process that can neither touch the machine nor the grader that runs it.
 *
 * Trust. Everything in a submission file is hostile: its size, its nesting, its learner id, its stored seeds and
 * scores, and above all the code in its answers. This process (the parent) reads and validates every file with
 * `readProgressFile` (size cap, nesting cap, schema) before any child sees it; it computes each assigned seed itself
 * from (exercise id, learner id, manifest id) and grades every answer for that seed, whatever seed the file stored;
 * it ignores `best`, `attempts` and anything else the file claims. A child is sent only (exercise id, seed, answer).
 *
 * Children. One child process per submission, `concurrency` of them at a time, started with Node's permission model
 * (reads only from the child bundle's own folder; no writes, no child processes, no workers), an empty environment,
 * a heap limit (`memoryMb`), a resident-memory limit this process enforces (below) and no stdio but IPC and a bounded
 * stderr. The child hardens its own realm before any
 * learner code runs and runs each code answer in a fresh `node:vm` context (sandbox-child.ts says how). A timer per
 * exercise SIGKILLs the child at `timeMs`; while an exercise runs, this process samples the child's resident memory
 * every 50 ms and SIGKILLs it over the limit (the heap flag alone misses typed arrays and large strings); a child that dies (time limit, heap limit, `process.exit`, a crash) makes
 * that exercise's result say why, and a fresh child grades the submission's remaining exercises.
 *
 * Determinism. A submission's result depends only on its file and the manifest: no clock, no order effects (each
 * submission gets its own process), and results come back sorted by file name whatever the concurrency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readProgressFile, shortText, type ExerciseEntry } from '../exercises/progress';
import { failed, result as makeResult } from '../exercises/outcomes';
import { variantSeed } from '../exercises/variants';
import type { Check, GradeResult } from '../exercises/types';
import type { Manifest } from './manifest';
import type { ChildReply, ChildRequest } from './sandbox-child';

/** Must equal sandbox-child.ts's CHILD_FLAG (imported as a type only there, so its module never runs here). */
const CHILD_FLAG = '--happens-before-sandbox-child';

/** Limits per exercise. */
export interface SandboxLimits {
  /** Wall time one exercise's grading may take in its child before the child is killed, e.g. 10000. */
  timeMs: number;
  /**
   * Memory one exercise's grading may use, e.g. 256. Two limits enforce it: the child's V8 heap
   * (`--max-old-space-size`), and its resident memory, which may grow at most this much above what it held once the
   * graders were loaded (measured then, so the graders' own footprint is not charged to the answer). The second
   * catches what lives outside the V8 heap: typed arrays, buffers, large strings.
   */
  memoryMb: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { timeMs: 10_000, memoryMb: 256 };

/** Why an exercise's grading was stopped: the time limit, the heap limit, or the child died some other way. */
export type Stopped = 'time limit' | 'memory limit' | 'crashed';

/** One manifest exercise of one submission, graded. */
export interface GradedExercise {
  exerciseId: string;
  /** variantSeed({ exerciseId, learnerId, assignmentId: manifest.id }): the variant this student must answer. */
  assignedSeed: number;
  /** The seed stored beside the answer (untrusted); when it differs, the answer was still graded for assignedSeed and a check says so. */
  answeredSeed?: number;
  /** Score 0..1 and each check's message; a stopped exercise has a check saying why. */
  result: GradeResult;
  stopped?: Stopped;
}

/** One submission file, graded. */
export interface GradedSubmission {
  /** The file's name in the folder. */
  file: string;
  /** From the file's learner entry, exactly as written (untrusted: escape it wherever it is printed). */
  learnerId?: string;
  /** From the file (untrusted). */
  exportedAt?: string;
  /** One per manifest exercise, in manifest order (unanswered → score 0, "no answer"). */
  exercises: GradedExercise[];
  /** Why the file could not be graded at all (then `exercises` is empty). */
  problem?: string;
}

export interface GradeSubmissionsOptions {
  limits?: Partial<SandboxLimits>;
  /** Children at once; default `os.availableParallelism()`. */
  concurrency?: number;
  /** Called after each submission with how many are done. */
  onProgress?: (done: number, total: number) => void;
  /** A prebuilt bundle of sandbox-child.ts (the command builds one); default: built here with esbuild, cached. */
  childBundle?: string;
}

/** Characters of a child's stderr kept to explain a crash. */
const STDERR_KEEP_CHARS = 4096;
/** How long a fresh child may take to load the graders before it counts as crashed. Generous: a busy machine is slow. */
const STARTUP_LIMIT_MS = 120_000;
/** Bounds on what a child's reply may hold, so a huge output cannot flood the results. */
const MAX_CHECKS = 200;
const MAX_CHECK_NAME_CHARS = 200;
const MAX_FEEDBACK_CHARS = 2000;
/** How often a running exercise's child has its resident memory read. */
const MEMORY_SAMPLE_MS = 50;

/**
 * Grades every file for `manifest` in sandboxed children. Never throws for anything a file holds: an unreadable file
 * is a row with `problem`. Results are in file-name order (code-unit order), whatever the concurrency.
 */
export async function gradeSubmissions(
  files: { name: string; text: string }[],
  manifest: Manifest,
  options: GradeSubmissionsOptions = {},
): Promise<GradedSubmission[]> {
  const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const asked = Math.floor(options.concurrency ?? Number.NaN);
  const concurrency = Number.isFinite(asked) && asked >= 1 ? asked : os.availableParallelism();
  const ordered = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const bundle = options.childBundle ?? (await childBundle());
  const results: GradedSubmission[] = new Array(ordered.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < ordered.length) {
      const index = next++;
      results[index] = await gradeOne(ordered[index], manifest, limits, bundle);
      done++;
      options.onProgress?.(done, ordered.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ordered.length) }, worker));
  return results;
}

/** One file: validated here, then its answers graded in a child (a fresh one after each stop). */
async function gradeOne(file: { name: string; text: string }, manifest: Manifest, limits: SandboxLimits, bundle: string): Promise<GradedSubmission> {
  const text = typeof file.text === 'string' ? file.text : '';
  const read = readProgressFile(text);
  if (!read.ok) return { file: file.name, exercises: [], problem: read.reason };
  const exportedAt = safeExportedAt(text);
  const learnerEntry = read.entries.find(({ entry }) => entry.kind === 'learner')?.entry;
  const learner = learnerEntry?.kind === 'learner' ? learnerEntry.value : undefined;
  if (!learner) {
    return { file: file.name, ...(exportedAt ? { exportedAt } : {}), exercises: [], problem: 'The file names no learner (it has no "learner" entry), so the variants assigned to its author are unknown.' };
  }
  const answers = new Map<string, ExerciseEntry>();
  for (const { entry } of read.entries) if (entry.kind === 'exercise') answers.set(entry.value.exerciseId, entry.value);
  const unreadable = new Map(read.problems.filter((p) => p.key?.startsWith('exercise:')).map((p) => [p.key!.slice('exercise:'.length), p.reason]));

  const child = new ChildHandle(bundle, limits, chapterSets(manifest));
  const exercises: GradedExercise[] = [];
  try {
    for (const { id: exerciseId } of manifest.exercises) {
      const assignedSeed = variantSeed({ exerciseId, learnerId: learner.learnerId, assignmentId: manifest.id });
      const entry = answers.get(exerciseId);
      if (!entry || entry.answer === null) {
        const why = unreadable.get(exerciseId);
        const feedback = why ? `The answer in the file could not be read (${why}).` : 'No answer was given.';
        exercises.push({ exerciseId, assignedSeed, ...(entry ? { answeredSeed: entry.seed } : {}), result: makeResult({ id: exerciseId }, assignedSeed, 0, [failed('answer', feedback)]) });
        continue;
      }
      const outcome = await child.grade({ exerciseId, seed: assignedSeed, answer: entry.answer });
      const graded: GradedExercise = { exerciseId, assignedSeed, answeredSeed: entry.seed, result: outcome.result, ...(outcome.stopped ? { stopped: outcome.stopped } : {}) };
      if (entry.seed !== assignedSeed) {
        // Said, not scored: the score is the grade of this answer for the assigned variant.
        graded.result = {
          ...graded.result,
          checks: [...graded.result.checks, failed('variant', `This answer was given for variant ${entry.seed}, but variant ${assignedSeed} is assigned to this student; it was graded for variant ${assignedSeed}.`)],
        };
      }
      exercises.push(graded);
    }
  } finally {
    child.close();
  }
  return { file: file.name, learnerId: learner.learnerId, ...(exportedAt ? { exportedAt } : {}), exercises };
}

/** The chapters of the manifest's exercises, e.g. 'clocks,dht': the child loads only their graders. */
function chapterSets(manifest: Manifest): string {
  return [...new Set(manifest.exercises.map(({ id }) => id.split('/')[0]))].filter((prefix) => /^[a-z0-9-]+$/.test(prefix)).sort().join(',');
}

/** The file's exportedAt, read again from text readProgressFile has accepted (so its size and nesting are bounded). */
function safeExportedAt(text: string): string | undefined {
  try {
    const value = (JSON.parse(text) as { exportedAt?: unknown }).exportedAt;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

type Outcome = { result: GradeResult; stopped?: Stopped };

/**
 * One submission's child: started on first use, replaced after it dies. Each `grade` resolves exactly once, with the
 * child's reply or with a stopped result when the timer fires or the child exits first.
 */
class ChildHandle {
  private process?: ChildProcess;
  private ready?: Promise<string | undefined>;
  private stderr = '';
  private exit?: { code: number | null; signal: NodeJS.Signals | null };
  private nextId = 1;
  /** Requests sent to the current child. */
  private gradedHere = 0;
  /** The current child's resident memory when it became ready, in KiB: the base its memory limit is counted from. */
  private baselineKb = 0;

  /** `sets`: the chapters (first id segments, comma-separated) whose graders the child loads. */
  constructor(private readonly bundle: string, private readonly limits: SandboxLimits, private readonly sets: string) {}

  private start(): Promise<string | undefined> {
    const permission = nodeMajor() >= 22 ? '--permission' : '--experimental-permission';
    const child = spawn(
      process.execPath,
      [permission, `--allow-fs-read=${path.dirname(this.bundle)}`, `--max-old-space-size=${this.limits.memoryMb}`, '--disable-warning=ExperimentalWarning', '--no-warnings', this.bundle, CHILD_FLAG, `--sets=${this.sets}`],
      { env: {}, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], cwd: path.dirname(this.bundle) },
    );
    this.process = child;
    this.stderr = '';
    this.exit = undefined;
    this.gradedHere = 0;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (this.process === child) this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP_CHARS);
    });
    child.on('error', () => {});
    child.on('exit', (code, signal) => {
      // A child already replaced (killed at the time limit) must not mark its successor dead.
      if (this.process === child) this.exit = { code, signal };
    });
    this.ready = new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(`the grader did not start within ${STARTUP_LIMIT_MS / 1000} s`);
      }, STARTUP_LIMIT_MS);
      const onReady = (message: unknown) => {
        if ((message as { type?: unknown })?.type !== 'ready') return;
        clearTimeout(timer);
        child.off('message', onReady);
        this.baselineKb = residentKb(child.pid) ?? 0;
        resolve(undefined);
      };
      child.on('message', onReady);
      child.on('exit', () => {
        clearTimeout(timer);
        resolve(`the grader stopped while starting (${describeExit(child.exitCode, child.signalCode, '')})`);
      });
    });
    return this.ready;
  }

  /**
   * Grades one answer. A stop in a child that graded an earlier exercise is tried once more in a fresh child: an
   * earlier answer's leftover work (a promise chain that never ends, memory it kept) must not decide this one's
   * result, so every exercise's outcome depends on its own answer alone.
   */
  async grade(request: Omit<ChildRequest, 'type' | 'id'>): Promise<Outcome> {
    const sharedChild = this.process !== undefined && !this.exit && this.gradedHere > 0;
    const outcome = await this.attempt(request);
    if (!outcome.stopped || !sharedChild) return outcome;
    this.close();
    return this.attempt(request);
  }

  private async attempt(request: Omit<ChildRequest, 'type' | 'id'>): Promise<Outcome> {
    const def = { id: request.exerciseId };
    if (!this.process || this.exit) {
      const startFailure = await this.start();
      if (startFailure) {
        this.close();
        return { result: makeResult(def, request.seed, 0, [failed('crashed', `This answer could not be graded: ${startFailure}.`)]), stopped: 'crashed' };
      }
    }
    const child = this.process!;
    const id = this.nextId++;
    this.gradedHere++;
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(sampler);
        child.off('message', onMessage);
        child.off('close', onExit);
        resolve(outcome);
      };
      const onMessage = (message: unknown) => {
        const reply = message as ChildReply;
        if (reply?.type !== 'result' || reply.id !== id) return;
        const checked = checkedResult(reply.result, request.exerciseId, request.seed);
        finish(checked ? { result: checked } : { result: makeResult(def, request.seed, 0, [failed('crashed', 'The grader returned a malformed result, so this answer could not be graded.')]), stopped: 'crashed' });
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        // Called on 'close', after the last of stderr has arrived: it says whether the heap limit was the cause.
        setImmediate(() => {
          const stopped: Stopped = overMemory || isHeapExhaustion(code, signal, this.stderr) ? 'memory limit' : 'crashed';
          const feedback =
            stopped === 'memory limit'
              ? `Your code used more than the memory limit (${this.limits.memoryMb} MB) and was stopped; look for data that grows without end.`
              : `The grading of your code stopped unexpectedly (${describeExit(code, signal, this.stderr)}); code may not end the process it runs in.`;
          finish({ result: makeResult(def, request.seed, 0, [failed(stopped, feedback)]), stopped });
        });
      };
      const timer = setTimeout(() => {
        child.off('close', onExit);
        // Forget it now, not when its exit is reported: the next exercise must go to a fresh child.
        this.close();
        const seconds = Number((this.limits.timeMs / 1000).toFixed(1));
        finish({ result: makeResult(def, request.seed, 0, [failed('time limit', `Your code ran for more than ${seconds} s and was stopped; look for a loop that never ends or a promise that never settles.`)]), stopped: 'time limit' });
      }, this.limits.timeMs);
      // Resident memory, read by this process from /proc: the child's own account of itself is not to be trusted.
      let overMemory = false;
      const limitKb = this.baselineKb + this.limits.memoryMb * 1024;
      const sampler = setInterval(() => {
        const kb = residentKb(child.pid);
        if (kb === undefined || kb <= limitKb || overMemory) return;
        overMemory = true;
        child.kill('SIGKILL');
      }, MEMORY_SAMPLE_MS);
      child.on('message', onMessage);
      child.on('close', onExit);
      if (this.exit) return onExit(this.exit.code, this.exit.signal);
      const message: ChildRequest = { type: 'grade', id, ...request };
      try {
        child.send(message, (error) => {
          if (error) onExit(child.exitCode, child.signalCode);
        });
      } catch {
        onExit(child.exitCode, child.signalCode);
      }
    });
  }

  close(): void {
    if (this.process && this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
    this.process?.stderr?.destroy();
    this.process = undefined;
  }
}

/**
 * A process's resident memory in KiB (VmRSS in /proc/<pid>/status), or undefined when it cannot be read. Linux only:
 * where /proc is missing (macOS, Windows) no resident limit is enforced and only the heap flag limits memory. Node
 * has no flag that caps a process's memory outside the V8 heap (array buffers, external strings), hence this.
 */
function residentKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s*(\d+)\s*kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function nodeMajor(): number {
  return Number(process.versions.node.split('.')[0]);
}

/** V8 reports an exhausted heap on stderr and aborts (SIGABRT, or exit status 134 through a shell). */
function isHeapExhaustion(code: number | null, signal: NodeJS.Signals | null, stderr: string): boolean {
  return /heap out of memory|Reached heap limit|Allocation failed/i.test(stderr) || ((signal === 'SIGABRT' || code === 134) && /memory/i.test(stderr));
}

function describeExit(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const how = signal ? `signal ${signal}` : `exit status ${code}`;
  const lastLine = stderr.trim().split('\n').filter(Boolean).pop();
  return lastLine ? `${how}: ${shortText(lastLine, 160)}` : how;
}

/** A child's result, kept only if it has the shape of a GradeResult for this request, and cut to bounded sizes. */
function checkedResult(value: unknown, exerciseId: string, seed: number): GradeResult | undefined {
  const given = value as Partial<GradeResult> | null;
  if (typeof given !== 'object' || given === null) return undefined;
  if (typeof given.score !== 'number' || !Number.isFinite(given.score) || !Array.isArray(given.checks)) return undefined;
  const checks: Check[] = [];
  for (const check of given.checks.slice(0, MAX_CHECKS) as unknown[]) {
    const c = check as Partial<Check> | null;
    if (typeof c !== 'object' || c === null || typeof c.name !== 'string' || typeof c.passed !== 'boolean' || typeof c.feedback !== 'string') return undefined;
    checks.push({ name: shortText(c.name, MAX_CHECK_NAME_CHARS), passed: c.passed, feedback: shortText(c.feedback, MAX_FEEDBACK_CHARS) });
  }
  if (given.checks.length > MAX_CHECKS) checks.push(failed('checks', `The grader gave ${given.checks.length} checks; only the first ${MAX_CHECKS} are shown.`));
  return makeResult({ id: exerciseId }, seed, given.score, checks);
}

let builtBundle: Promise<string> | undefined;

/**
 * The child's code as one file (graders, sucrase and sandbox-child.ts bundled by esbuild), in a folder of its own
 * under node_modules/.cache/happens-before/, named by a hash of its content so a rebuild with the same sources
 * reuses it. The child may read only that folder.
 */
export function childBundle(): Promise<string> {
  builtBundle ??= (async () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const root = findRoot(here);
    const { build } = await import('esbuild');
    const output = await build({
      entryPoints: [path.join(root, 'labs/assign/sandbox-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      alias: { labs: path.join(root, 'labs') },
      logLevel: 'silent',
    });
    const code = output.outputFiles[0].text;
    const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
    const dir = path.join(root, 'node_modules', '.cache', 'happens-before', `sandbox-${hash}`);
    const file = path.join(dir, 'sandbox-child.mjs');
    if (!existsSync(file) || readFileSync(file, 'utf8') !== code) {
      // Written beside and renamed into place, so a regrade running at the same time never loads half a file.
      mkdirSync(dir, { recursive: true });
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, code);
      renameSync(partial, file);
    }
    return file;
  })();
  return builtBundle;
}

/** The project folder: the nearest folder above `from` holding labs/assign/sandbox-child.ts. */
function findRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'labs', 'assign', 'sandbox-child.ts'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from, '..', '..');
    dir = parent;
  }
}
