/**
 * Writes the AsyncAPI document of every integration event to docs/asyncapi.json, generated from
 * @crm/contracts (a test fails when the committed file is out of date):
 *
 *   npm run docs:asyncapi
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildAsyncApi } from '@crm/contracts';

/** The repository root, from tools/ (tsx) or dist/tools/ (built). */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

export function asyncApiJson(): string {
  return `${JSON.stringify(buildAsyncApi(), null, 2)}\n`;
}

if (require.main === module) {
  const target = path.join(repoRoot(), 'docs', 'asyncapi.json');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, asyncApiJson());
  console.log(`wrote ${path.relative(process.cwd(), target) || target}`);
}
