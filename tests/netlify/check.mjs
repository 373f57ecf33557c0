// Parses every public/<host>/_redirects and _headers with Netlify's own
// parsers (versions pinned in package-lock.json) and prints one JSON object:
// { files: n, errors: [...], redirects: [{file, from, to, query, status, force}] }.
// Usage: node check.mjs <public-dir>
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllRedirects } from '@netlify/redirect-parser';
import { parseAllHeaders } from '@netlify/headers-parser';

const root = process.argv[2];
const out = { files: 0, errors: [], redirects: [], headers: 0 };
for (const host of readdirSync(root, { withFileTypes: true })) {
  if (!host.isDirectory()) continue;
  const r = join(root, host.name, '_redirects');
  if (existsSync(r)) {
    out.files++;
    const { redirects, errors } = await parseAllRedirects({
      redirectsFiles: [r], configRedirects: [], minimal: false,
    });
    for (const e of errors) out.errors.push(`${r}: ${e.message ?? e}`);
    for (const x of redirects) {
      out.redirects.push({
        file: r, from: x.from ?? x.path, to: x.to, query: x.query ?? {}, status: x.status, force: x.force,
      });
    }
  }
  const h = join(root, host.name, '_headers');
  if (existsSync(h)) {
    out.files++;
    const { headers, errors } = await parseAllHeaders({
      headersFiles: [h], configHeaders: [], minimal: false,
    });
    for (const e of errors) out.errors.push(`${h}: ${e.message ?? e}`);
    out.headers += headers.length;
  }
}
console.log(JSON.stringify(out));
