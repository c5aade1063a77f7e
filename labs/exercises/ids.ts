/** Kebab-case segments separated by '/', the first naming the chapter: 'intro/count-drops', 'clocks/lamport/receive'. */
export const EXERCISE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)+$/;
