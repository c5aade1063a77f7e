// Shared steps for the browser tests: console-error capture, and driving cells and editors the way a reader does
// (clicks and keystrokes, never by calling page internals).
import { expect, type Locator, type Page } from '@playwright/test';

export const CHAPTER = 'start/how-to-read/';

/**
 * The axe rules whose verdict can change with the colour scheme alone. A scheme changes colours, never the
 * document's structure, names or roles, so after one full scan of a page the other scheme needs only these (a full
 * scan of a long chapter costs four times as much, most of it in structural rules over the figures' data tables).
 */
export const SCHEME_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * The axe rules whose verdict can change with the viewport's width: which boxes overflow and must then take keyboard
 * focus, and what overlaps what (contrast is measured against what is drawn behind the text).
 */
export const WIDTH_RULES = ['scrollable-region-focusable', 'color-contrast', 'link-in-text-block'];

/** Collects console errors and uncaught page errors; tests assert the list is empty at the end. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  return errors;
}

export function cell(page: Page, id: string): Locator {
  return page.locator(`.hb-cell[data-cell="${id}"]`);
}

export async function runCell(page: Page, id: string): Promise<Locator> {
  const target = cell(page, id);
  await target.locator('[data-action="run"]').click();
  await expect(target.locator('.hb-cell-status')).toHaveText(/^(Ran in \d+ ms\.|Failed.*|Stopped.*)$/);
  return target;
}

/** Opens the editor of a cell and replaces its whole text, as a reader would by selecting all and typing. */
export async function replaceCode(page: Page, id: string, code: string): Promise<void> {
  const target = cell(page, id);
  if (await target.locator('.cm-content').count() === 0) await target.locator('[data-action="edit"]').click();
  const editor = target.locator('.cm-content');
  await expect(editor).toBeVisible();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}
