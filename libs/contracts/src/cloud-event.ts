/** CloudEvents 1.0, structured JSON mode: the value of every message on our topics. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  /** The producing service, e.g. `/crm/identity`. */
  source: string;
  /** Past tense, e.g. `crm.identity.user.created`. */
  type: string;
  /** The aggregate's id; also the Kafka message key. */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  /** Identifies the JSON schema and its major version, e.g. `urn:crm:event:crm.identity.user.created:v1`. */
  dataschema: string;
  /** Extension attribute: the business organisation (tenant) the event belongs to. */
  tenantid: string;
  data: T;
}

/** JSON Schema (draft 2020-12) subset we use to describe event data. */
export type JsonSchema = Record<string, unknown>;

export interface EventDefinition<T = unknown> {
  type: string;
  /** Major version: a breaking change is a new definition with version + 1 on a new topic. */
  version: number;
  /** `<context>.<aggregate>.v<major>`, e.g. `identity.user.v1`. */
  topic: string;
  source: string;
  description: string;
  schema: JsonSchema;
  example: T;
}

export function defineEvent<T>(def: EventDefinition<T>): EventDefinition<T> {
  return def;
}

export function dataschemaOf(def: EventDefinition): string {
  return `urn:crm:event:${def.type}:v${def.version}`;
}

/** The JSON schema of a whole CloudEvent carrying this definition's data. */
export function envelopeSchema(def: EventDefinition): JsonSchema {
  return {
    type: 'object',
    required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'tenantid', 'data'],
    properties: {
      specversion: { const: '1.0' },
      id: { type: 'string', format: 'uuid' },
      source: { const: def.source },
      type: { const: def.type },
      subject: { type: 'string', description: 'The aggregate id; also the Kafka message key.' },
      time: { type: 'string', format: 'date-time' },
      datacontenttype: { const: 'application/json' },
      dataschema: { const: dataschemaOf(def) },
      tenantid: { type: 'string', format: 'uuid' },
      data: def.schema,
    },
  };
}
