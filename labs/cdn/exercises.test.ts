// Method: the chapter's set as a whole (describeChapterSet: it registers cleanly, has at least eight exercises with
// three code ones and every kind, is the catalog's set for the chapter, its variants differ from seed to seed, every
// prompt and solution can be drawn for a few seeds, and its feedback is plain text). Each exercise's own tests
// (exercises/*.test.ts) grade its reference over many seeds against brute-force oracles and hold wrong answers to
// their feedback.
import { describeChapterSet } from '../exercises/test-support';
import { exerciseSet } from './exercises';

describeChapterSet(exerciseSet, 'cdn');
