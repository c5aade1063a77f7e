// Method: run the policy writer on small pages and check the meta tag it adds: where it goes, that it hashes
// exactly the inline scripts a browser would run (with the hash a browser computes), and what it allows.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inlineScriptHashes, policyFor, withContentSecurityPolicy } from './csp';

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('content security policy', () => {
  const page = '<!doctype html><html><head><meta charset="utf-8"><title>t</title>'
    + '<script>theme()</script><script type="module">boot()</script><script is:inline aria-hidden="true">persist()</script>'
    + '<script type="module" src="/_astro/a.js"></script><script type="application/json" data-original>"code"</script>'
    + '</head><body><script>theme()</script></body></html>';

  it('hashes each distinct inline script, and no external or data script', () => {
    expect(inlineScriptHashes(page)).toEqual([sha('theme()'), sha('boot()'), sha('persist()')]);
  });

  it('forbids inline script, eval and other origins, and admits the worker', () => {
    const policy = policyFor(page);
    expect(policy).toContain(`script-src 'self' 'wasm-unsafe-eval' ${sha('theme()')}`);
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("worker-src 'self' blob:");
    expect(policy).toContain("object-src 'none'");
    expect(policy).not.toMatch(/https?:|\*/);
  });

  it('goes right after the charset, once', () => {
    const html = withContentSecurityPolicy(page);
    expect(html.indexOf('<meta http-equiv="content-security-policy"')).toBe(html.indexOf('<meta charset="utf-8">') + '<meta charset="utf-8">'.length);
    expect(withContentSecurityPolicy(html)).toBe(html);
  });
});
