/**
 * Regrading a folder of submission files: the files a class handed in, read with the same distrust as their contents
 * (a file too large to be a submission is never read into memory; a folder, link or device among them is a row with
 * a reason, not a crash), then graded by `gradeSubmissions` in its sandboxed children.
 *
 * Which files count: every entry of the folder (not its subfolders) whose name ends in `.json`, any case, and does not
 * start with a dot. Everything else is listed in `ignored`, so an instructor sees what was left out.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { MAX_PROGRESS_FILE_CHARS, tooLarge } from '../exercises/progress';
import type { Manifest } from './manifest';
import { gradeSubmissions, type GradedSubmission, type GradeSubmissionsOptions } from './sandbox';

export interface FolderRegrade {
  /** One row per submission file, in file-name order; unreadable files are rows with `problem`. */
  submissions: GradedSubmission[];
  /** Names in the folder that are not submission files (other extensions, hidden files), in name order. */
  ignored: string[];
}

/** Whether a folder entry's name is taken as a submission. */
export function isSubmissionName(name: string): boolean {
  return !name.startsWith('.') && /\.json$/i.test(name);
}

/**
 * Grades every submission file in `dir` for `manifest`. Rejects only when the folder itself cannot be listed (a
 * usage error for the caller to report); anything about a single file is that file's row.
 */
export async function regradeFolder(dir: string, manifest: Manifest, options: GradeSubmissionsOptions = {}): Promise<FolderRegrade> {
  const names = (await readdir(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ignored = names.filter((name) => !isSubmissionName(name));
  const readable: { name: string; text: string }[] = [];
  const refused: GradedSubmission[] = [];
  for (const name of names.filter(isSubmissionName)) {
    const read = await readSubmissionFile(path.join(dir, name));
    if (read.ok) readable.push({ name, text: read.text });
    else refused.push({ file: name, exercises: [], problem: read.reason });
  }
  const graded = await gradeSubmissions(readable, manifest, {
    ...options,
    onProgress: options.onProgress && ((done) => options.onProgress!(done + refused.length, readable.length + refused.length)),
  });
  const submissions = [...graded, ...refused].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { submissions, ignored };
}

/**
 * One file's text, read only when it is a regular file (not followed through a link) no larger than a submission
 * can be: UTF-8 takes at most 4 bytes per character, so a file over 4 × MAX_PROGRESS_FILE_CHARS bytes cannot pass
 * readProgressFile's length check, and reading stops there whatever the file claims its size is.
 *
 * The checks are made on the open handle, never on the name: the file is opened with O_NOFOLLOW (a link is refused
 * by the kernel, so one swapped in after the folder was listed is never followed) and O_NONBLOCK (a named pipe cannot
 * hold the open), then `fstat` says whether what was opened is a regular file and how large it is.
 */
export async function readSubmissionFile(file: string): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = constants;
  const linkReason = 'This is a link, not a submission file; copy the file itself into the folder.';
  const unreadable = (error: unknown) => `The file could not be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}).`;
  if (O_NOFOLLOW === undefined) {
    // Windows has no O_NOFOLLOW: there the name is checked first, which leaves a window a swapped link could use.
    try {
      if ((await lstat(file)).isSymbolicLink()) return { ok: false, reason: linkReason };
    } catch (error) {
      return { ok: false, reason: unreadable(error) };
    }
  }
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, O_RDONLY | (O_NOFOLLOW ?? 0) | (O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ELOOP: the last part of the name is a link. ENXIO: a socket, or a pipe's far end.
    if (code === 'ELOOP') return { ok: false, reason: linkReason };
    if (code === 'ENXIO') return { ok: false, reason: 'This is not a regular file.' };
    return { ok: false, reason: unreadable(error) };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { ok: false, reason: 'This is not a regular file.' };
    const maxBytes = 4 * MAX_PROGRESS_FILE_CHARS;
    if (stats.size > maxBytes) return { ok: false, reason: tooLarge(stats.size) };
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length >= buffer.length) return { ok: false, reason: tooLarge(length) };
    }
    return { ok: true, text: buffer.subarray(0, length).toString('utf8') };
  } catch (error) {
    return { ok: false, reason: unreadable(error) };
  } finally {
    await handle.close().catch(() => {});
  }
}
