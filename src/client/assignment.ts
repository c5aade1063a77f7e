/**
 * The student's side of an assignment (content/chapters/assignment.mdx): the page reads the assignment from its
 * link (`assignment/#a=…`, labs/assign/link.ts), asks for the student's id once, shows each exercise of the
 * assignment in the student's own variant, and saves the submission file the student hands in.
 *
 * Exercises are rendered here from their definitions, through the lab worker's `exerciseView` (the same
 * `exerciseBodyHtml` a chapter page is built with), and graded by the chapter pages' controller
 * (exercise-controller.ts), so they look and behave as in the chapters. The variant is assigned, not chosen: its
 * seed is `variantSeed({ exerciseId, learnerId, assignmentId })`, and the page has no "New variant" and no "Show
 * solution". Nothing the browser computes is trusted for grades: the submission carries answers and seeds, and the
 * instructor's regrader grades them again for the seeds the student must have.
 *
 * The top half of this file is pure (storage in, text out) and tested in assignment.test.ts; the page code below it
 * only wires those functions to the DOM.
 */
import {
  exportProgress,
  loadProgress,
  readLearner,
  saveLearner,
  shortText,
  webStorage,
  type ExerciseEntry,
  type ProgressStorage,
} from '../../labs/exercises/progress';
import { variantSeed } from '../../labs/exercises/variants';
import { escapeHtml } from '../../labs/exercises/prompt';
import { domId, exerciseBodyHtml } from '../views/exercise-form';
import { MAX_STUDENT_ID_CHARS, dueInstant, type Manifest } from '../../labs/assign/manifest';
import { readAssignmentLink } from '../../labs/assign/link';
import type { ExerciseView } from '../../labs/exercises-view';

/**
 * A student id as typed, trimmed, or why it cannot be one. Any printable text of 1 to 64 characters is accepted
 * (universities use letters, digits, dots, @ and more), but no control characters, which would hide in a file
 * name or a spreadsheet cell. Example: `' s1234567 '` → `{ ok: true, studentId: 's1234567' }`.
 */
export function readStudentId(text: string): { ok: true; studentId: string } | { ok: false; reason: string } {
  const studentId = text.trim();
  if (studentId === '') return { ok: false, reason: 'Enter your student id.' };
  if (studentId.length > MAX_STUDENT_ID_CHARS) return { ok: false, reason: `A student id has at most ${MAX_STUDENT_ID_CHARS} characters; this one has ${studentId.length}.` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(studentId)) return { ok: false, reason: 'A student id cannot contain control characters or line breaks.' };
  return { ok: true, studentId };
}

/** The seed of each exercise's variant for this student, by exercise id, in the manifest's order. */
export function assignedSeeds(manifest: Manifest, studentId: string): Map<string, number> {
  return new Map(manifest.exercises.map(({ id }) => [id, variantSeed({ exerciseId: id, learnerId: studentId, assignmentId: manifest.id })]));
}

/**
 * The submission's file name, `<assignment>-<student>.json`, reduced to characters every file system and mail
 * client keeps: runs of anything but letters, digits, dots, dashes and underscores become one `_`, and a leading
 * dot is dropped (no hidden file). Example: `('cs451-hw3', 'Ana María/2')` → `'cs451-hw3-Ana_Mar_a_2.json'`.
 */
export function submissionFileName(assignmentId: string, studentId: string): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
  return `${safe(assignmentId) || 'assignment'}-${safe(studentId) || 'student'}.json`;
}

/**
 * Where one exercise of the assignment stands in this browser. `answered` means a graded answer to the student's
 * own variant is stored; `otherVariant` means the stored answer is for another variant (from a chapter page, or
 * a different student id), which the submission leaves out. `best` is the browser's own best score, 0..1, over
 * every variant tried: an estimate for the student, since the instructor regrades.
 */
export interface ExerciseProgress {
  exerciseId: string;
  points: number;
  assignedSeed: number;
  answered: boolean;
  otherVariant: boolean;
  attempts: number;
  best: number;
}

/** Whether a stored entry holds a graded answer to the variant `seed`. */
function answersVariant(entry: ExerciseEntry | undefined, seed: number): boolean {
  return entry !== undefined && entry.seed === seed && entry.answer !== null && entry.attempts > 0;
}

/** Each manifest exercise's progress in the manifest's order. Never throws on what storage holds. */
export function assignmentProgress(storage: ProgressStorage, manifest: Manifest, studentId: string): ExerciseProgress[] {
  const { exercises } = loadProgress(storage).entries;
  const seeds = assignedSeeds(manifest, studentId);
  return manifest.exercises.map(({ id, points }) => {
    const entry = Object.hasOwn(exercises, id) ? exercises[id] : undefined;
    const assignedSeed = seeds.get(id)!;
    const answered = answersVariant(entry, assignedSeed);
    return {
      exerciseId: id,
      points,
      assignedSeed,
      answered,
      otherVariant: !answered && entry !== undefined && entry.answer !== null && entry.seed !== assignedSeed,
      attempts: answered ? entry!.attempts : 0,
      best: answered ? entry!.best : 0,
    };
  });
}

/**
 * The submission file: the progress export format (`exportProgress`, so `readProgressFile` and the regrader read
 * it), holding only the learner entry `{ learnerId, assignmentId }` and this assignment's exercise entries whose
 * answer is for the student's own variant. Answers to other variants, other exercises and cell edits stay out:
 * the instructor gets what was assigned and nothing else of the student's browser. Returns the text and which
 * exercises it holds and lacks.
 */
export function submissionFile(storage: ProgressStorage, manifest: Manifest, studentId: string, nowIso: string): { text: string; included: string[]; missing: string[] } {
  const everything = JSON.parse(exportProgress(storage, nowIso)) as { entries: Record<string, unknown> } & Record<string, unknown>;
  const seeds = assignedSeeds(manifest, studentId);
  const entries: Record<string, unknown> = {};
  const included: string[] = [];
  const missing: string[] = [];
  for (const [id, seed] of seeds) {
    const key = `exercise:${id}`;
    const entry = Object.hasOwn(everything.entries, key) ? (everything.entries[key] as ExerciseEntry) : undefined;
    if (answersVariant(entry, seed)) {
      entries[key] = entry;
      included.push(id);
    } else {
      missing.push(id);
    }
  }
  entries.learner = { v: 1, learnerId: studentId, assignmentId: manifest.id };
  const sorted = Object.fromEntries(Object.keys(entries).sort().map((key) => [key, entries[key]]));
  return { text: `${JSON.stringify({ ...everything, entries: sorted }, null, 2)}\n`, included, missing };
}

/**
 * The due date in words: in the assignment's time zone and in the student's, and whether it has passed at `nowMs`.
 * `locale` is the student's (undefined: the browser's); tests pass one. Example (Toronto, student in Berlin):
 * `{ inAssignmentZone: 'Friday 4 December 2026 at 23:59 EST', inStudentZone: 'Saturday 5 December 2026 at 05:59 CET', … }`.
 */
export function dueText(manifest: Manifest, studentId: string | undefined, studentTimeZone: string, nowMs: number, locale?: string): { inAssignmentZone: string; inStudentZone?: string; passed: boolean } {
  const due = dueInstant(manifest, studentId);
  const format = (timeZone: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(due)
    + ` ${zoneName(due, timeZone, locale)}`;
  const inAssignmentZone = format(manifest.timeZone);
  const inStudentZone = format(studentTimeZone);
  return { inAssignmentZone, ...(inStudentZone !== inAssignmentZone ? { inStudentZone } : {}), passed: nowMs > due };
}

function zoneName(instant: number, timeZone: string, locale?: string): string {
  const part = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }).formatToParts(instant).find((p) => p.type === 'timeZoneName');
  return part ? `${part.value} (${timeZone})` : `(${timeZone})`;
}

/** The late policy in one sentence, for the student. */
export function latePolicyText(manifest: Manifest): string {
  const late = manifest.late;
  if (!late || late.kind === 'none') return 'Work handed in after the due date gets no points.';
  const unit = late.kind === 'per-day' ? 'day' : 'hour';
  const floor = late.floor !== undefined ? `, but never below ${late.floor}% of the points` : '';
  const zero = late.zeroAfter ? `; after ${late.zeroAfter.replace('T', ' ')} (${manifest.timeZone}) it gets no points` : '';
  return `Late work loses ${late.percent}% of the points for each started ${unit} late${floor}${zero}.`;
}

/** "1 point", "2.5 points". */
export function pointsText(points: number): string {
  return `${points} ${points === 1 ? 'point' : 'points'}`;
}

const KIND_LABEL: Record<ExerciseView['kind'], string> = { choice: 'Choice', numeric: 'Numeric', structured: 'Structured answer', code: 'Code' };

/**
 * One exercise as a chapter page shows it (components/Exercise.astro), for the student's variant and with the
 * assignment's points, but without "New variant" or "Show solution": the variant is assigned, and the solution is
 * the instructor's to release. (The controller enables the solution button after an attempt, so it is here, hidden
 * and never wired.) Figures are drawn into `.hb-prompt-figures` afterwards.
 */
export function exerciseArticleHtml(view: ExerciseView, points: number): string {
  const dom = domId(view.id);
  return `<article class="hb-exercise not-content" id="${dom}" data-exercise="${escapeHtml(view.id)}" data-seed="${view.seed}" data-default-seed="${view.seed}" data-kind="${view.kind}" aria-labelledby="${dom}-title">
  <header class="hb-exercise-header">
    <h3 id="${dom}-title" class="hb-exercise-title">${escapeHtml(view.title)}</h3>
    <span class="hb-exercise-meta">${KIND_LABEL[view.kind]} · ${escapeHtml(pointsText(points))} · variant ${view.seed}</span>
  </header>
  <form class="hb-exercise-form" novalidate>
    <div class="hb-exercise-body">${exerciseBodyHtml(view)}</div>
    <div class="hb-exercise-actions">
      <button type="submit" class="hb-button hb-primary">Check answer</button>
      ${view.hints.length > 0 ? '<button type="button" class="hb-button" data-action="hint">Hint</button>' : ''}
      <button type="button" class="hb-button" data-action="reveal" disabled hidden>Show solution</button>
    </div>
  </form>
  <div class="hb-exercise-status" role="status" aria-live="polite"></div>
  <div class="hb-hints"></div>
  <div class="hb-feedback"></div>
  <div class="hb-solution" hidden></div>
</article>`;
}

// ---------------------------------------------------------------------------------------------------------------
// The page.

/** How long the worker may take to make every exercise's view (no learner code runs in it). */
const VIEW_LIMIT_MS = 30_000;

type Controller = typeof import('./exercise-controller');

interface Page {
  root: HTMLElement;
  storage?: ProgressStorage;
  manifest?: Manifest;
  studentId?: string;
  /** Bumped on every render, so a slow render for an old link or id cannot overwrite a newer one. */
  generation: number;
}

const $ = <T extends Element>(root: ParentNode, selector: string) => root.querySelector<T>(selector)!;

function openStorage(): ProgressStorage | undefined {
  try {
    const storage = webStorage(window.localStorage);
    storage.keys();
    return storage;
  } catch {
    return undefined;
  }
}

function text(element: Element, value: string): void {
  element.textContent = value;
}

/** Shows only the message: the link is missing or bad. */
function showLinkProblem(page: Page, title: string, reasons: string[]): void {
  $<HTMLElement>(page.root, '.hb-assignment-main').hidden = true;
  const box = $<HTMLElement>(page.root, '.hb-assignment-problem');
  box.hidden = false;
  const heading = document.createElement('p');
  heading.innerHTML = '<strong></strong>';
  text(heading.firstElementChild!, title);
  const list = document.createElement('ul');
  for (const reason of reasons.slice(0, 8)) list.append(Object.assign(document.createElement('li'), { textContent: shortText(reason, 200) }));
  if (reasons.length > 8) list.append(Object.assign(document.createElement('li'), { textContent: `and ${reasons.length - 8} more.` }));
  const advice = Object.assign(document.createElement('p'), {
    textContent: 'Open the assignment with the whole link your instructor gave you (it ends in a long code after "#a="). If you copied it by hand, copy it again; if it still fails, ask your instructor for a new link.',
  });
  box.replaceChildren(heading, ...(reasons.length ? [list] : []), advice);
}

/** The book's exercise ids, written into the page when it was built (Assignment.astro), or undefined. */
function bookExerciseIds(root: HTMLElement): string[] | undefined {
  try {
    const ids = JSON.parse(root.querySelector('script[data-book-exercise-ids]')?.textContent ?? 'null') as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : undefined;
  } catch {
    return undefined;
  }
}

function readLink(hash: string, knownIds: string[] | undefined): { ok: true; manifest: Manifest } | { ok: false; title: string; reasons: string[] } {
  if (!/^#?a=/.test(hash)) {
    return { ok: false, title: 'This page shows an assignment, but the link has none.', reasons: [] };
  }
  try {
    const read = readAssignmentLink(hash, knownIds);
    if (read.ok) return { ok: true, manifest: read.manifest };
    return { ok: false, title: 'This assignment link is damaged or incomplete, so the assignment cannot be shown.', reasons: read.errors };
  } catch (error) {
    return { ok: false, title: 'This assignment link is damaged or incomplete, so the assignment cannot be shown.', reasons: [String((error as Error)?.message ?? error)] };
  }
}

async function render(page: Page): Promise<void> {
  const generation = ++page.generation;
  const link = readLink(location.hash, bookExerciseIds(page.root));
  if (!link.ok) {
    page.manifest = undefined;
    showLinkProblem(page, link.title, link.reasons);
    return;
  }
  const manifest = link.manifest;
  page.manifest = manifest;
  $<HTMLElement>(page.root, '.hb-assignment-problem').hidden = true;
  $<HTMLElement>(page.root, '.hb-assignment-main').hidden = false;
  text($(page.root, '.hb-assignment-title'), manifest.title);
  document.title = `${manifest.title} | ${document.title.replace(/^.*\| /, '')}`;
  const total = manifest.exercises.reduce((sum, e) => sum + e.points, 0);
  text($(page.root, '.hb-assignment-summary'), `${manifest.exercises.length} ${manifest.exercises.length === 1 ? 'exercise' : 'exercises'}, ${pointsText(total)} in all. Assignment id: ${manifest.id}.`);
  if (!page.storage) {
    showDue(page);
    text($(page.root, '.hb-assignment-learner-status'), 'This browser does not let the page save anything (storage is turned off), so your answers cannot be kept or handed in from here. Turn storage on for this site, or use another browser.');
    $<HTMLElement>(page.root, '.hb-assignment-learner-form').hidden = true;
    return;
  }
  const stored = readLearner(page.storage);
  page.studentId = stored?.learnerId;
  if (page.studentId && stored?.assignmentId !== manifest.id) rememberLearner(page);
  showDue(page);
  showLearner(page, false);
  await renderExercises(page, generation);
}

function showDue(page: Page): void {
  const manifest = page.manifest!;
  const studentZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const due = dueText(manifest, page.studentId, studentZone, Date.now());
  const line = $(page.root, '.hb-assignment-due');
  line.replaceChildren(
    Object.assign(document.createElement('strong'), { textContent: 'Due ' }),
    document.createTextNode(due.inAssignmentZone),
    ...(due.inStudentZone ? [document.createTextNode(`; in your time zone that is ${due.inStudentZone}`)] : []),
    document.createTextNode('. '),
    document.createTextNode(due.passed ? `The due date has passed. ${latePolicyText(manifest)}` : latePolicyText(manifest)),
  );
}

/** Saves the learner entry with this assignment; a refused write is reported but the page still works. */
function rememberLearner(page: Page): boolean {
  try {
    saveLearner(page.storage!, page.studentId!, page.manifest!.id);
    return true;
  } catch (error) {
    text($(page.root, '.hb-assignment-learner-status'), `Your student id could not be saved in this browser (${(error as Error).message}); it is used on this page until you leave it.`);
    return false;
  }
}

/** Shows the student's id (with Change) or the form that asks for it. */
function showLearner(page: Page, editing: boolean): void {
  const form = $<HTMLFormElement>(page.root, '.hb-assignment-learner-form');
  const current = $<HTMLElement>(page.root, '.hb-assignment-learner-current');
  const warning = $<HTMLElement>(page.root, '.hb-assignment-learner-warning');
  const asking = editing || !page.studentId;
  form.hidden = !asking;
  current.hidden = asking;
  warning.hidden = !(asking && page.studentId);
  $<HTMLButtonElement>(form, '[data-action="cancel-learner"]').hidden = !page.studentId;
  if (page.studentId) text($(current, '.hb-assignment-student'), page.studentId);
  $<HTMLElement>(page.root, '.hb-assignment-work').hidden = !page.studentId;
  if (asking) {
    const input = $<HTMLInputElement>(form, 'input[name="student-id"]');
    input.value = page.studentId ?? '';
  }
}

async function renderExercises(page: Page, generation: number): Promise<void> {
  const list = $<HTMLElement>(page.root, '.hb-assignment-exercises');
  list.replaceChildren();
  refreshProgress(page);
  if (!page.studentId || !page.manifest) return;
  const manifest = page.manifest;
  const seeds = assignedSeeds(manifest, page.studentId);
  const loading = $<HTMLElement>(page.root, '.hb-assignment-loading');
  loading.hidden = false;
  text(loading, 'Loading your exercises…');
  const { callWorker } = await import('./lab-worker');
  const outcome = await callWorker(
    (api) => Promise.all(manifest.exercises.map(({ id }) => api.exerciseView(id, seeds.get(id)!).then(
      (view) => ({ ok: true as const, view }),
      (error: unknown) => ({ ok: false as const, reason: String((error as Error)?.message ?? error) }),
    ))),
    VIEW_LIMIT_MS,
  );
  if (generation !== page.generation) return;
  if (!outcome.ok) {
    text(loading, 'Your exercises could not be loaded (the page took too long). Reload the page to try again.');
    return;
  }
  loading.hidden = true;
  const controller = await import('./exercise-controller');
  const { renderOutputs } = outcome.value.some((v) => v.ok && v.view.prompt.figures?.length) ? await import('../views/render') : { renderOutputs: undefined };
  const { enhanceFigures } = await import('./figures');
  if (generation !== page.generation) return;
  const { exercises } = loadProgress(page.storage!).entries;
  manifest.exercises.forEach(({ id, points }, index) => {
    const result = outcome.value[index]!;
    const item = document.createElement('li');
    item.className = 'hb-assignment-exercise';
    if (!result.ok) {
      item.append(Object.assign(document.createElement('p'), { className: 'hb-assignment-warning', textContent: `Exercise "${id}" could not be shown: ${shortText(result.reason, 200)} Tell your instructor.` }));
      list.append(item);
      return;
    }
    const view = result.view;
    item.innerHTML = exerciseArticleHtml(view, points);
    list.append(item);
    const article = $<HTMLElement>(item, 'article');
    if (view.prompt.figures?.length && renderOutputs) {
      $(article, '.hb-prompt-figures').append(renderOutputs(view.prompt.figures, { document, idPrefix: `${article.id}-v${view.seed}` }));
    }
    wireExercise(page, article, controller);
    const entry = Object.hasOwn(exercises, id) ? exercises[id] : undefined;
    if (entry && answersVariant(entry, view.seed)) void controller.restore(article, entry);
    else if (entry && entry.answer !== null) text($(article, '.hb-exercise-status'), 'Your earlier answer to this exercise (on its chapter page, or under another student id) was for a different variant; answer this one for the assignment.');
  });
  enhanceFigures(list);
  refreshProgress(page);
}

/** The chapter pages' handlers (exercise-boot.ts), minus New variant and Show solution. */
function wireExercise(page: Page, article: HTMLElement, controller: Controller): void {
  article.dataset.ready = '';
  const form = $<HTMLFormElement>(article, 'form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void controller.check(article);
  });
  form.addEventListener('click', (event) => {
    if ((event.target as Element).closest('button[data-action="hint"]')) void controller.hint(article);
  });
  form.addEventListener('focusin', (event) => {
    if ((event.target as Element).matches('textarea.hb-code-input')) void controller.upgradeEditor(article);
  });
  // The controller writes every outcome of a check into the status line: the submission's summary follows it.
  new MutationObserver(() => refreshProgress(page)).observe($(article, '.hb-exercise-status'), { childList: true, characterData: true, subtree: true });
}

/** The "Your submission" list: each exercise, answered or not, with the browser's own estimate of its score. */
function refreshProgress(page: Page): void {
  const list = $<HTMLElement>(page.root, '.hb-assignment-progress');
  const summary = $<HTMLElement>(page.root, '.hb-assignment-progress-summary');
  if (!page.manifest || !page.studentId || !page.storage) {
    list.replaceChildren();
    return;
  }
  const progress = assignmentProgress(page.storage, page.manifest, page.studentId);
  list.replaceChildren(...progress.map((p, index) => {
    const item = document.createElement('li');
    const name = Object.assign(document.createElement('strong'), { textContent: `Exercise ${index + 1}` });
    const state = p.answered
      ? `answered (${p.attempts} ${p.attempts === 1 ? 'attempt' : 'attempts'}); best score in this browser ${Math.round(p.best * 100)}%, about ${roundPoints(p.best * p.points)} of ${pointsText(p.points)}`
      : p.otherVariant
        ? `not answered: the saved answer is for another variant (${pointsText(p.points)})`
        : `not answered yet (${pointsText(p.points)})`;
    item.append(name, document.createTextNode(` (${p.exerciseId}): ${state}.`));
    return item;
  }));
  const answered = progress.filter((p) => p.answered).length;
  text(summary, `${answered} of ${progress.length} exercises answered. The scores here are this browser's own estimate; your instructor grades the submission again.`);
}

function roundPoints(points: number): string {
  return String(Math.round(points * 100) / 100);
}

function download(textContent: string, name: string): void {
  const url = URL.createObjectURL(new Blob([textContent], { type: 'application/json' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function downloadSubmission(page: Page): void {
  const status = $<HTMLElement>(page.root, '.hb-assignment-download-status');
  if (!page.manifest || !page.studentId || !page.storage) return;
  try {
    rememberLearner(page);
    const file = submissionFile(page.storage, page.manifest, page.studentId, new Date().toISOString());
    const name = submissionFileName(page.manifest.id, page.studentId);
    download(file.text, name);
    const missing = file.missing.length ? ` Not answered: ${file.missing.join(', ')}.` : '';
    text(status, `Saved ${name}, with ${file.included.length} of ${page.manifest.exercises.length} exercises answered.${missing} Hand in this file as your instructor asks. You can change answers and download again: the latest file is your submission.`);
  } catch (error) {
    text(status, `The submission could not be made: ${shortText(String((error as Error)?.message ?? error), 200)}`);
  }
}

/** Starts the page inside `root` (components/Assignment.astro). */
export function startAssignmentPage(root: HTMLElement | null): void {
  if (!root) return;
  const page: Page = { root, storage: openStorage(), generation: 0 };
  $<HTMLElement>(root, '.hb-assignment-noscript').hidden = true;
  const form = $<HTMLFormElement>(root, '.hb-assignment-learner-form');
  const error = $<HTMLElement>(root, '.hb-assignment-learner-error');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $<HTMLInputElement>(form, 'input[name="student-id"]');
    const read = readStudentId(input.value);
    if (!read.ok) {
      text(error, read.reason);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    text(error, '');
    input.removeAttribute('aria-invalid');
    const changed = read.studentId !== page.studentId;
    page.studentId = read.studentId;
    if (rememberLearner(page)) text($(root, '.hb-assignment-learner-status'), changed ? `Saved. Your exercises below are the variants for student id ${read.studentId}.` : 'Your student id is unchanged.');
    showLearner(page, false);
    showDue(page);
    $<HTMLButtonElement>(root, '[data-action="change-learner"]').focus();
    if (changed) void renderExercises(page, ++page.generation);
  });
  root.addEventListener('click', (event) => {
    const action = (event.target as Element).closest<HTMLButtonElement>('button[data-action]')?.dataset.action;
    if (action === 'change-learner') {
      text($(root, '.hb-assignment-learner-status'), '');
      showLearner(page, true);
      $<HTMLInputElement>(form, 'input[name="student-id"]').focus();
    } else if (action === 'cancel-learner') {
      showLearner(page, false);
      $<HTMLButtonElement>(root, '[data-action="change-learner"]').focus();
    } else if (action === 'download-submission') {
      downloadSubmission(page);
    }
  });
  window.addEventListener('hashchange', () => void render(page));
  // Another tab of the book answered an exercise: the summary follows.
  window.addEventListener('storage', () => refreshProgress(page));
  void render(page);
}
