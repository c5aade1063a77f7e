/**
 * Build-time rendering: the same views as in the browser, drawn into a server-side DOM (jsdom) and serialised,
 * so every cell's output is in the page as HTML and SVG before any script runs.
 */
import { JSDOM } from 'jsdom';
import type { Output } from '../../labs/display/outputs';
import { renderOutputs, type RenderContext } from './render';

let shared: Document | undefined;

export function renderOutputsToHtml(outputs: readonly Output[], context: Omit<RenderContext, 'document'>): string {
  const document = (shared ??= new JSDOM('<!doctype html><html><body></body></html>').window.document);
  const container = document.createElement('div');
  container.append(renderOutputs(outputs, { ...context, document }));
  return container.innerHTML;
}
