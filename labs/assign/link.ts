/**
 * The link an instructor gives students: the public part of the manifest (everything but `extensions`, which name
 * students) as base64url JSON in the URL's fragment, `<site>assignment/#a=<…>`. The fragment never reaches a
 * server, and the page needs no server to read it. Pure: runs in the browser and in Node.
 */
import { parseManifest, type Manifest, type ParsedManifest } from './manifest';

/** The longest fragment read back; a manifest of 200 exercises encodes to about 12 KB. */
export const MAX_LINK_CHARS = 64 * 1024;

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded)) return undefined;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The manifest without what students must not see (extensions name other students). */
export function publicManifest(manifest: Manifest): Manifest {
  const { extensions: _private, ...rest } = manifest;
  return rest;
}

/** `${siteBase}assignment/#a=<base64url(JSON of the public manifest)>`; `siteBase` gets a trailing "/" if it lacks one. */
export function assignmentLink(manifest: Manifest, siteBase: string): string {
  const base = siteBase.endsWith('/') ? siteBase : `${siteBase}/`;
  return `${base}assignment/#a=${toBase64Url(JSON.stringify(publicManifest(manifest)))}`;
}

/**
 * Reads a link's fragment (`#a=…`, `a=…`, or the whole URL) back into a manifest with `parseManifest`'s
 * validation; a missing, damaged or too long fragment is an error saying so. Never throws.
 */
export function readAssignmentLink(hash: string, knownExerciseIds?: Iterable<string>): ParsedManifest {
  if (typeof hash !== 'string' || hash.length > MAX_LINK_CHARS) return { ok: false, errors: ['link: expected an assignment link of reasonable length.'] };
  const fragment = hash.includes('#') ? hash.slice(hash.indexOf('#') + 1) : hash;
  const encoded = fragment
    .split('&')
    .find((part) => part.startsWith('a='))
    ?.slice(2);
  if (!encoded) return { ok: false, errors: ['link: expected "#a=" followed by the assignment; this link has none. Ask your instructor for the full link.'] };
  const text = fromBase64Url(encoded);
  if (text === undefined) return { ok: false, errors: ['link: the assignment in this link is damaged (it is not base64url text); it may have been cut short when copied.'] };
  const parsed = parseManifest(text, knownExerciseIds);
  if (!parsed.ok && parsed.errors[0]?.startsWith('(file): expected JSON')) {
    return { ok: false, errors: ['link: the assignment in this link is damaged (it is not complete JSON); it may have been cut short when copied.'] };
  }
  return parsed;
}
