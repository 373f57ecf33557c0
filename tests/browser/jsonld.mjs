// Checks the schema.org JSON-LD of every HTML file under DIR against the
// schema.org vocabulary as published in the npm package schema-dts (pinned
// in package-lock.json): every @type must be a schema.org type and every
// property must belong to that type or one of its ancestors. Also checks
// that every data block parses as JSON. Prints one JSON object.
//
// usage: node jsonld.mjs DIR
import fs from 'node:fs';
import path from 'node:path';

const [, , dir] = process.argv;
if (!dir) {
  console.error('usage: node jsonld.mjs DIR');
  process.exit(2);
}
const dts = fs.readFileSync(new URL('./node_modules/schema-dts/dist/schema.d.ts', import.meta.url), 'utf8');

// interface XBase extends A, B { "prop"?: …; … }
const bases = new Map();
for (const m of dts.matchAll(/^interface (\w+)Base extends ([^{]+)\{([\s\S]*?)^\}/gm)) {
  const parents = [...m[2].matchAll(/(\w+)Base\b/g)].map((p) => p[1]);
  const props = [...m[3].matchAll(/^\s+"([\w@]+)"\??:/gm)].map((p) => p[1]);
  bases.set(m[1], { parents, props });
}
// export interface XLeaf extends YBase { "@type": "X"; }
const leaves = new Map();
for (const m of dts.matchAll(/^export interface (\w+)Leaf extends (\w+)Base \{\s*"@type": "(\w+)";/gm)) {
  if (m[1] === m[3]) leaves.set(m[3], m[2]);
}
function propsOf(type) {
  const out = new Set();
  const todo = [leaves.get(type)];
  while (todo.length) {
    const b = todo.pop();
    const base = b && bases.get(b);
    if (!base) continue;
    base.props.forEach((p) => out.add(p));
    todo.push(...base.parents);
  }
  return out;
}

const errors = [];
const types = {};
let pages = 0;
let blocks = 0;
function check(node, where) {
  if (Array.isArray(node)) {
    node.forEach((n) => check(n, where));
    return;
  }
  if (!node || typeof node !== 'object') return;
  const type = node['@type'];
  let allowed = null;
  if (type !== undefined) {
    types[type] = (types[type] || 0) + 1;
    if (!leaves.has(type)) {
      errors.push(`${where}: unknown type ${type}`);
    } else {
      allowed = propsOf(type);
    }
  }
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('@')) {
      if (!['@type', '@id', '@context', '@graph'].includes(k)) errors.push(`${where}: unexpected keyword ${k}`);
    } else if (allowed && !allowed.has(k)) {
      errors.push(`${where}: ${type} has no property ${k}`);
    } else if (!allowed && type === undefined) {
      errors.push(`${where}: property ${k} on a node without @type`);
    }
    check(v, where);
  }
}
function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.html')) {
      const html = fs.readFileSync(p, 'utf8');
      pages += 1;
      for (const m of html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)) {
        blocks += 1;
        try {
          const v = JSON.parse(m[1]);
          if (v['@context'] !== 'https://schema.org') errors.push(`${p}: @context is ${v['@context']}`);
          check(v['@graph'] ?? v, p);
        } catch (err) {
          errors.push(`${p}: ${err}`);
        }
      }
    }
  }
}
walk(dir);
console.log(JSON.stringify({ vocabulary_types: leaves.size, pages, blocks, types, errors }, null, 2));
