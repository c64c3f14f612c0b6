#!/usr/bin/env node
/**
 * Compiles apps/ and libs/ to dist/ with swc (about a second): decorators with metadata, which
 * NestJS dependency injection needs, and `@crm/*` imports rewritten to relative paths, so
 * `node dist/apps/<app>/src/main.js` runs with no loader. Type checking is `npm run typecheck`.
 */
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist');
const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));

function sources(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'test' ? [] : sources(p);
    return p.endsWith('.ts') && !/\.(spec|int-spec|d)\.ts$/.test(p) ? [p] : [];
  });
}

async function build() {
  const started = Date.now();
  const files = ['apps', 'libs', 'tools'].flatMap((d) => sources(path.join(root, d)));
  await Promise.all(
    files.map(async (file) => {
      const { code, map } = await swc.transformFile(file, {
        sourceMaps: true,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          baseUrl: root,
          paths: Object.fromEntries(Object.entries(tsconfig.compilerOptions.paths).filter(([k]) => k.startsWith('@crm/'))),
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      });
      const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map`);
      fs.writeFileSync(`${target}.map`, map);
    }),
  );
  return { files: files.length, ms: Date.now() - started };
}

module.exports = { build };
if (require.main === module) {
  build().then(
    ({ files, ms }) => console.log(`built ${files} files into dist/ in ${ms} ms`),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
