/** Small writers shared by the chapter's prompts and solutions. */

/** An ordinal in English: 1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, …, 21st. */
export const ordinal = (k: number): string => `${k}${k % 100 >= 11 && k % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][k % 10] ?? 'th'}`;

/** Dollars with thousands separators, cents only when there are any: $1,756 and $512.50. */
export const money = (x: number): string => `$${x.toLocaleString('en-US', { minimumFractionDigits: Number.isInteger(x) ? 0 : 2, maximumFractionDigits: 2 })}`;
