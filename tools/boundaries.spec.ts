/**
 * Dependency boundaries between the Nx projects, checked on the source text so they hold without
 * an Nx lint plugin: services never import each other, libraries never import services, libraries
 * are reached only through their `@crm/<lib>` public surface, and domain code stays plain
 * TypeScript. `tools/` and `bench/` are exempt (they wire everything together on purpose).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const APPS = ['gateway', 'identity', 'marketing', 'sales', 'after-sales'];
const LIBS = ['kernel', 'persistence', 'contracts', 'messaging', 'access', 'platform', 'testing', 'kafka-broker'];
const DEV_INFRA_LIBS = ['testing', 'kafka-broker'];

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  text: string;
}

/** Every module specifier of a file (imports, re-exports, `require()`, `import()`), with its line. */
function importsOf(src: SourceFile): { spec: string; line: number }[] {
  const info = ts.preProcessFile(src.text, true, true);
  return info.importedFiles.map((f) => ({ spec: f.fileName, line: src.text.slice(0, f.pos).split('\n').length }));
}

/** `apps/<name>/…` or `libs/<name>/…` → its project; anything else → undefined. */
function projectOf(repoPath: string): { kind: 'app' | 'lib'; name: string; rest: string } | undefined {
  const m = /^(apps|libs)\/([^/]+)(?:\/(.*))?$/.exec(repoPath);
  return m ? { kind: m[1] === 'apps' ? 'app' : 'lib', name: m[2], rest: m[3] ?? '' } : undefined;
}

/** One line per broken rule, naming the file, the line and the import. */
export function findViolations(files: SourceFile[]): string[] {
  const out: string[] = [];
  for (const src of files) {
    const from = projectOf(src.file);
    if (!from) continue;
    const inDomain = src.file.split('/').includes('domain');
    for (const { spec, line } of importsOf(src)) {
      const where = `${src.file}:${line} imports '${spec}'`;
      const relative = spec.startsWith('.');
      const target = relative ? projectOf(path.posix.normalize(path.posix.join(path.posix.dirname(src.file), spec))) : undefined;

      if (!relative && /(^|\/)apps\//.test(spec)) out.push(`${where}: no import may reach into apps/ (a service is not a library)`);
      if (!relative && /(^|\/)libs\//.test(spec)) out.push(`${where}: import libraries through '@crm/<lib>', not by path`);

      if (target?.kind === 'app' && from.kind === 'app' && target.name !== from.name) {
        out.push(`${where}: app '${from.name}' imports app '${target.name}' (services talk through events and HTTP, not imports)`);
      }
      if (target?.kind === 'app' && from.kind === 'lib') out.push(`${where}: lib '${from.name}' imports app '${target.name}'`);
      if (target?.kind === 'lib' && target.name !== from.name) {
        out.push(`${where}: deep path into lib '${target.name}'; import '@crm/${target.name}' (its index.ts) instead`);
      }

      const crm = /^@crm\/([^/]+)(\/.*)?$/.exec(spec);
      if (crm && crm[2]) out.push(`${where}: deep path into lib '${crm[1]}'; import '@crm/${crm[1]}' (its index.ts) instead`);
      if (crm && !crm[2] && !LIBS.includes(crm[1])) out.push(`${where}: '@crm/${crm[1]}' is not a library of this repository`);

      if (inDomain && (spec === 'typeorm' || spec.startsWith('typeorm/') || spec.startsWith('@nestjs/'))) {
        out.push(`${where}: domain code must be plain TypeScript (no @nestjs/*, typeorm or @nestjs/swagger)`);
      }
    }
  }
  return out;
}

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function repoSources(): SourceFile[] {
  return ['apps', 'libs']
    .flatMap((d) => tsFiles(path.join(ROOT, d)))
    .map((abs) => ({ file: path.relative(ROOT, abs).split(path.sep).join('/'), text: fs.readFileSync(abs, 'utf8') }));
}

function expectedTags(kind: 'apps' | 'libs', name: string): string[] {
  if (kind === 'apps') return ['type:app', `scope:${name}`];
  return ['type:lib', 'scope:shared', ...(DEV_INFRA_LIBS.includes(name) ? ['type:dev-infra'] : [])];
}

describe('dependency boundaries', () => {
  it('holds for every .ts file under apps/ and libs/', () => {
    const files = repoSources();
    expect(files.length).toBeGreaterThan(0);
    expect(findViolations(files)).toEqual([]);
  });

  it('every project folder has a project.json with its name, type and tags', () => {
    const problems: string[] = [];
    for (const kind of ['apps', 'libs'] as const) {
      const expected = kind === 'apps' ? APPS : LIBS;
      const present = fs.existsSync(path.join(ROOT, kind)) ? fs.readdirSync(path.join(ROOT, kind), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
      for (const name of present.filter((n) => !expected.includes(n))) problems.push(`${kind}/${name}: not a known project; add it to tools/boundaries.spec.ts and give it a project.json`);
      for (const name of expected) {
        const file = `${kind}/${name}/project.json`;
        if (!fs.existsSync(path.join(ROOT, file))) {
          problems.push(`${file}: missing`);
          continue;
        }
        const p = JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
        if (p.name !== name) problems.push(`${file}: name is ${JSON.stringify(p.name)}, expected "${name}"`);
        const type = kind === 'apps' ? 'application' : 'library';
        if (p.projectType !== type) problems.push(`${file}: projectType is ${JSON.stringify(p.projectType)}, expected "${type}"`);
        if (p.sourceRoot !== `${kind}/${name}/src`) problems.push(`${file}: sourceRoot is ${JSON.stringify(p.sourceRoot)}, expected "${kind}/${name}/src"`);
        const tags = [...(p.tags ?? [])].sort();
        const want = expectedTags(kind, name).sort();
        if (JSON.stringify(tags) !== JSON.stringify(want)) problems.push(`${file}: tags ${JSON.stringify(tags)}, expected ${JSON.stringify(want)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('nx.json needs no daemon and no Nx Cloud', () => {
    const nx = JSON.parse(fs.readFileSync(path.join(ROOT, 'nx.json'), 'utf8'));
    expect(nx.useDaemonProcess).toBe(false);
    expect(nx.neverConnectToCloud).toBe(true);
    expect(nx.nxCloudId ?? nx.nxCloudAccessToken).toBeUndefined();
  });
});

describe('the boundary checker itself', () => {
  const check = (file: string, text: string) => findViolations([{ file, text }]);

  it('reports an app importing another app, by relative path or by apps/ path', () => {
    expect(check('apps/gateway/src/x.ts', `import { a } from '../../sales/src/a';`)).toEqual([
      `apps/gateway/src/x.ts:1 imports '../../sales/src/a': app 'gateway' imports app 'sales' (services talk through events and HTTP, not imports)`,
    ]);
    expect(check('apps/gateway/src/x.ts', `\nconst m = require('apps/sales/src/main');`)[0]).toMatch(/^apps\/gateway\/src\/x\.ts:2 imports 'apps\/sales\/src\/main': no import may reach into apps\//);
    expect(check('apps/sales/src/a/b.ts', `import { c } from '../c'; export * from './d';`)).toEqual([]);
  });

  it('reports a lib importing an app', () => {
    expect(check('libs/testing/src/stack.ts', `import { startSales } from '../../../apps/sales/src/main';`)).toEqual([
      `libs/testing/src/stack.ts:1 imports '../../../apps/sales/src/main': lib 'testing' imports app 'sales'`,
    ]);
  });

  it('reports deep paths into another lib, relative or through @crm', () => {
    expect(check('libs/access/src/x.ts', `import { y } from '../../platform/src/health';`)[0]).toMatch(/deep path into lib 'platform'; import '@crm\/platform'/);
    expect(check('apps/sales/src/x.ts', `import { y } from '@crm/messaging/src/outbox';`)[0]).toMatch(/deep path into lib 'messaging'/);
    expect(check('apps/sales/src/x.ts', `import { y } from '../../../libs/kernel/src/ids';`)[0]).toMatch(/deep path into lib 'kernel'/);
    expect(check('libs/access/src/x.ts', `import { y } from '@crm/platform'; import { z } from './z';`)).toEqual([]);
  });

  it('reports Nest, TypeORM and Swagger under domain/', () => {
    const text = `import { Injectable } from '@nestjs/common';\nimport { Entity } from 'typeorm';\nimport { ApiProperty } from '@nestjs/swagger';\nimport { Money } from '@crm/kernel';`;
    const found = check('apps/marketing/src/pools/domain/pool.ts', text);
    expect(found).toHaveLength(3);
    expect(found[0]).toBe(`apps/marketing/src/pools/domain/pool.ts:1 imports '@nestjs/common': domain code must be plain TypeScript (no @nestjs/*, typeorm or @nestjs/swagger)`);
    expect(check('apps/marketing/src/pools/infrastructure/pool.entity.ts', text)).toEqual([]);
  });

  it('ignores files outside apps/ and libs/', () => {
    expect(check('tools/migrate.ts', `import { SALES_MIGRATIONS } from '../apps/sales/src/migrations';`)).toEqual([]);
  });
});
