import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_EVENTS, buildAsyncApi } from './asyncapi';
import { dataschemaOf, envelopeSchema } from './cloud-event';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking arbitrary JSON
type Json = Record<string, any>;

const COMMITTED = path.resolve(__dirname, '..', '..', '..', 'docs', 'asyncapi.json');

/** Follows a local JSON pointer (`#/a/b`), or undefined when it leads nowhere. */
function resolve(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), doc);
}

function refsIn(node: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => refsIn(v, `${at}/${i}`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : refsIn(v, `${at}/${k}`)));
}

describe('AsyncAPI document', () => {
  const doc = JSON.parse(JSON.stringify(buildAsyncApi())) as Json;

  it('is committed up to date in docs/asyncapi.json (regenerate: npm run docs:asyncapi)', () => {
    expect(fs.existsSync(COMMITTED)).toBe(true);
    expect(JSON.parse(fs.readFileSync(COMMITTED, 'utf8'))).toEqual(doc);
  });

  it('has the required AsyncAPI 3.0 fields', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    expect(Object.keys(doc.channels).length).toBeGreaterThan(0);
    for (const [id, channel] of Object.entries<Json>(doc.channels)) {
      expect({ id, address: typeof channel.address }).toEqual({ id, address: 'string' });
      expect(id).toMatch(/^[A-Za-z0-9_.-]+$/);
      expect(Object.keys(channel.messages).length).toBeGreaterThan(0);
    }
    for (const [id, op] of Object.entries<Json>(doc.operations)) {
      expect({ id, action: op.action }).toEqual({ id, action: expect.stringMatching(/^(send|receive)$/) });
      expect(op.channel.$ref).toMatch(/^#\/channels\//);
    }
    // In 3.0 a channel's messages and an operation's channel are references, never inline copies.
    for (const message of Object.values<Json>(doc.components.messages)) expect(message.payload).toBeDefined();
  });

  it('resolves every $ref', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter(({ ref }) => resolve(doc, ref) === undefined)).toEqual([]);
  });

  it('documents every event on its topic\u2019s channel, with an operation per channel', () => {
    for (const event of ALL_EVENTS) {
      const channel = Object.values<Json>(doc.channels).find((c) => c.address === event.topic);
      expect({ type: event.type, channel: Boolean(channel) }).toEqual({ type: event.type, channel: true });
      const messages = Object.values<Json>(channel!.messages).map((m) => resolve(doc, m.$ref) as Json);
      expect(messages.map((m) => m.name)).toContain(event.type);
    }
    const channelRefs = Object.values<Json>(doc.operations).map((op) => op.channel.$ref);
    expect(channelRefs.sort()).toEqual(Object.keys(doc.channels).map((id) => `#/channels/${id}`).sort());
  });

  it('gives each message the CloudEvents envelope with its event\u2019s data schema as payload', () => {
    const messages = Object.values<Json>(doc.components.messages);
    expect(messages).toHaveLength(ALL_EVENTS.length);
    for (const event of ALL_EVENTS) {
      const message = messages.find((m) => m.name === event.type)!;
      expect(message.contentType).toBe('application/cloudevents+json');
      const payload = message.payload as Json;
      expect(payload).toEqual(JSON.parse(JSON.stringify(envelopeSchema(event))));
      expect(payload.required).toEqual(expect.arrayContaining(['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'tenantid', 'data']));
      expect(payload.properties.specversion).toEqual({ const: '1.0' });
      expect(payload.properties.type).toEqual({ const: event.type });
      expect(payload.properties.dataschema).toEqual({ const: dataschemaOf(event) });
      expect(payload.properties.data).toEqual(JSON.parse(JSON.stringify(event.schema)));
      expect(message.examples[0].payload.data).toEqual(JSON.parse(JSON.stringify(event.example)));
    }
  });
});
