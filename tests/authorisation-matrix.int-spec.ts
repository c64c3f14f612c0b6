/**
 * Who may do what, through the whole system, for every operation the gateway documents: the
 * operations come from GET /openapi.json, so a new endpoint is in the matrix the day it ships, and
 * its declared access rule (x-required-roles, x-data-scope, x-access, or public) decides what each
 * persona must get. Contract: no token → 401; a function permission the caller lacks → 403; a
 * record the caller may not view (another tenant's included) → 404; one they may view but not
 * change → 403. Then: every row of every list is one the caller may see, and all of those; and
 * writes that smuggle in ownerId, tenantId, createdBy, id or unknown fields are refused or change
 * nothing.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataScopeDoc } from '@crm/access';
import { BusinessObject } from '@crm/contracts';
import { AccessModel, ModelRecord } from './support/access-model';
import { OpenApi, Operation, Schema, accessRuleProblem, exampleBody, listVariants, multipartBody, operationsOf, requiredQuery, scopeObject } from './support/operations';
import { Organisation, PASSWORD, SignedIn, expectStatus } from './support/organisation';
import { Answer, RunningSystem, eventually, request, startSystem, waitUntilHealthy } from './support/system';

/**
 * Tenant A: owner, colleague (same department), manager (of the department above, their superior),
 * otherDept (a rep in another department), reader (a rep in another department the owner shares every
 * customer with, to read: the one who may view but not change), admin. Tenant B: a rep and its admin.
 */
const PERSONAS = ['anonymous', 'owner', 'colleague', 'manager', 'otherDept', 'reader', 'otherTenant', 'otherTenantAdmin', 'admin'] as const;
type PersonaName = (typeof PERSONAS)[number];
type Persona = { name: PersonaName; org: Organisation } & Partial<SignedIn>;

/** A path parameter's value, and the tenant record it names (when it names one). */
interface Resolved {
  value: string;
  record?: ModelRecord | { id: string; tenantId: string };
  /** What a successful DELETE on it means for the model (default: the record is soft-deleted). */
  deleted?: () => void;
}
interface ParamContext {
  persona: Persona;
  /** The request changes state: the record is made for it alone. */
  write: boolean;
  /** The operation acts on a record in the recycle bin. */
  deleted: boolean;
  /** The parameters before this one, in path order. */
  before: Resolved[];
  /** The parameter's own schema (enum, example). */
  schema: Schema;
}

const isModelRecord = (r: Resolved['record']): r is ModelRecord => !!r && 'object' in r;

describe('authorisation matrix, list visibility and mass assignment through the gateway', () => {
  const model = new AccessModel();
  let system: RunningSystem;
  let gw: string;
  let orgA: Organisation;
  let orgB: Organisation;
  let doc: OpenApi;
  let ops: Operation[];
  const personas = {} as Record<PersonaName, Persona>;
  /** Tenant A's shared records, all owned by `owner` (tenant B's by its rep, so its lists are not empty). */
  const fixtures = {} as {
    customer: ModelRecord;
    contact: ModelRecord;
    followUp: ModelRecord;
    binned: ModelRecord;
    lead: ModelRecord;
    salesDepartment: string;
    handover: string;
    dictionaryItem: string;
    roleIds: Record<string, string>;
    spares: Record<string, [string, string]>;
    /** Tenant B's records and people, for bodies that name them from tenant A. */
    foreign: { customer: string; contact: string; user: string; role: string };
    /** Tenant A's default customer pool and a lead pool (manager administers them, owner and colleague belong), and a customer owner holds in marketing's ledger. */
    pool: string;
    leadPool: string;
    ledgerCustomer: string;
  };
  let counter = 0;
  let requests = 0;
  /** The share each of the owner's customers has with the reader, by customer id. */
  const readerShares = new Map<string, string>();

  const call = (who: Persona | undefined, method: string, path: string, body?: unknown): Promise<Answer> => {
    requests++;
    return request(gw, method, path, { token: who?.token, body });
  };

  /** Remembers what a successful answer tells about records, so the model stays the system's twin. */
  function learn(op: Operation, who: Persona, resolved: Resolved[], res: Answer): void {
    if (res.status >= 300) return;
    const body = res.body;
    const last = resolved[resolved.length - 1];
    if (op.method === 'DELETE' && last) {
      if (last.deleted) last.deleted();
      else if (isModelRecord(last.record)) model.delete(last.record.id);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return;
    const known = typeof body.id === 'string' ? model.records.get(body.id) : undefined;
    if (known) {
      if (typeof body.ownerId === 'string') known.ownerId = body.ownerId;
      if (known.deleted && body.deletedAt === null) model.restore(known.id);
    } else if (op.method === 'POST' && typeof body.id === 'string' && typeof body.ownerId === 'string') {
      const object = listOf(op.path)?.dataScope?.object;
      if (typeof object === 'string') {
        model.records.set(body.id, { id: body.id, object, tenantId: who.tenantId!, ownerId: body.ownerId, deleted: false, customerId: body.customerId });
      }
    }
    // A lead conversion makes a customer and a contact in sales, owned by the converting user, once it completes.
    if (op.method === 'POST' && op.path.endsWith('/convert') && res.status === 202 && isModelRecord(last?.record)) conversions.push(converted(who, last.record));
    if (typeof body.recordId === 'string' && (body.access === 'read' || body.access === 'edit')) {
      model.share({ object: body.object, recordId: body.recordId, userId: body.userId, departmentId: body.departmentId, access: body.access });
    }
  }

  /** Conversions asked for and not yet in the model. */
  const conversions: Promise<void>[] = [];
  async function converted(who: Persona, lead: ModelRecord): Promise<void> {
    const done = await eventually(`lead ${lead.id} converted`, async () => {
      const res = await call(personas.admin, 'GET', `/api/v1/leads/${lead.id}`);
      return res.body?.conversion?.status === 'pending' ? undefined : res.body;
    });
    if (done.status !== 'converted') throw new Error(`lead ${lead.id}: conversion ${JSON.stringify(done.conversion)}`);
    model.records.set(done.customerId, { id: done.customerId, object: 'customer', tenantId: who.tenantId!, ownerId: who.userId!, deleted: false });
    model.records.set(done.contactId, { id: done.contactId, object: 'contact', tenantId: who.tenantId!, ownerId: who.userId!, deleted: false, customerId: done.customerId });
  }

  const listOf = (path: string) => ops.find((o) => o.method === 'GET' && o.path === path && o.dataScope && !o.dataScope.record);

  async function create(who: Persona, object: BusinessObject, path: string, body: Record<string, unknown>): Promise<ModelRecord> {
    const res = expectStatus(await call(who, 'POST', path, body), 201, `create ${object}`);
    const record: ModelRecord = { id: res.body.id, object, tenantId: who.tenantId!, ownerId: res.body.ownerId, deleted: false, customerId: res.body.customerId };
    model.records.set(record.id, record);
    return record;
  }
  const newCustomer = async (who: Persona = personas.owner, deleted = false) => {
    const c = await create(who, 'customer', '/api/v1/customers', { name: `Customer ${++counter}` });
    if (who === personas.owner) {
      const share = { userId: personas.reader.userId!, access: 'read' as const };
      const res = expectStatus(await call(who, 'POST', `/api/v1/customers/${c.id}/shares`, share), 201, 'share customer');
      model.share({ object: 'customer', recordId: c.id, departmentId: null, ...share });
      readerShares.set(c.id, res.body.id);
    }
    if (deleted) {
      expectStatus(await call(who, 'DELETE', `/api/v1/customers/${c.id}`), 204, 'delete customer');
      model.delete(c.id);
    }
    return c;
  };
  const newContact = async (customer: ModelRecord = fixtures.customer, who: Persona = personas.owner, deleted = false) => {
    const c = await create(who, 'contact', '/api/v1/contacts', { customerId: customer.id, name: `Contact ${++counter}` });
    if (deleted) {
      expectStatus(await call(who, 'DELETE', `/api/v1/contacts/${c.id}`), 204, 'delete contact');
      model.delete(c.id);
    }
    return c;
  };
  const newFollowUp = (customer: ModelRecord = fixtures.customer, who: Persona = personas.owner) =>
    create(who, 'follow-up', '/api/v1/follow-ups', { customerId: customer.id, type: 'call', content: `Follow-up ${++counter}` });
  const newLead = (who: Persona = personas.owner) => create(who, 'lead', '/api/v1/leads', { company: `Lead Co ${++counter}`, name: 'Chen Jie' });
  const tenantRecord = (id: string, org: Organisation = orgA) => ({ id, tenantId: org.admin.tenantId });

  /**
   * Public pools: membership, not data scopes, decides (x-pool-access). Tenant A's pools are
   * administered by the manager, with owner and colleague as members; otherDept and reader belong
   * to none. Customers the pool operations act on live only in marketing's ledger (put there
   * directly), so sales' records, and the model, stay as they were.
   */
  const POOL_ADMINS: PersonaName[] = ['manager'];
  const POOL_MEMBERS: PersonaName[] = ['owner', 'colleague'];
  let marketingDb: Client | undefined;
  const newPool = async (kind: 'customer' | 'lead' = 'customer', isDefault = false): Promise<string> => {
    const body = {
      name: `Matrix pool ${++counter}`, isDefault, reviewType: 'none', allocation: 'claim-and-assign', rules: {},
      adminIds: POOL_ADMINS.map((p) => personas[p].userId), memberIds: POOL_MEMBERS.map((p) => personas[p].userId),
    };
    // Marketing knows the users once identity's events reach its projection.
    return eventually(`a ${kind} pool`, async () => {
      const res = await call(personas.admin, 'POST', `/api/v1/${kind}-pools`, body);
      return res.status === 201 ? (res.body.id as string) : undefined;
    });
  };
  const ledgerCustomer = async (o: { ownerId?: string; poolId?: string }): Promise<string> => {
    const id = randomUUID();
    await marketingDb!.query('INSERT INTO customer_ledger (customer_id, tenant_id, code, name, owner_id, pool_id, owned_since) VALUES ($1, $2, $3, $4, $5, $6, now())', [
      id, orgA.admin.tenantId, `KH-MATRIX-${++counter}`, `Ledger customer ${counter}`, o.ownerId ?? null, o.poolId ?? null,
    ]);
    return id;
  };
  const POOL_PARAMS: Record<string, (c: ParamContext) => Promise<Resolved>> = {
    'customer-pools/{id}': async (c) => {
      const id = c.write ? await newPool() : fixtures.pool;
      return { value: id, record: tenantRecord(id) };
    },
    'lead-pools/{id}': async (c) => {
      const id = c.write ? await newPool('lead') : fixtures.leadPool;
      return { value: id, record: tenantRecord(id) };
    },
  };
  /** For operations that declare x-pool-access: the customer as marketing's ledger knows it. */
  const LEDGER_PARAMS: Record<string, (c: ParamContext) => Promise<Resolved>> = {
    'customers/{id}': async (c) => {
      const id = c.write ? await ledgerCustomer({ ownerId: personas.owner.userId }) : fixtures.ledgerCustomer;
      return { value: id, record: tenantRecord(id) };
    },
  };
  /** What a pool operation's rule lets the persona do (after 401 and another tenant's 404). */
  function poolExpected(rule: NonNullable<Operation['poolAccess']>, who: Persona): 'success' | number {
    if (who.roles!.includes('admin')) return 'success';
    if (rule === 'customer-owner') return who.name === 'owner' ? 'success' : 403;
    if (POOL_ADMINS.includes(who.name)) return 'success';
    if (!POOL_MEMBERS.includes(who.name)) return 404;
    return rule === 'pool-admin' ? 403 : 'success';
  }

  /**
   * Where each path parameter's value comes from, by the segment before it. Reads share tenant A's
   * fixtures; writes get a record of their own. A parameter missing here fails the matrix, so a
   * new kind of record cannot slip through unchecked: add how to make one.
   */
  const PARAMS: Record<string, (c: ParamContext) => Promise<Resolved>> = {
    ...POOL_PARAMS,
    'customers/{id}': async (c) => {
      const record = c.write || c.deleted ? await newCustomer(personas.owner, c.deleted) : fixtures.customer;
      return { value: record.id, record };
    },
    'leads/{id}': async (c) => {
      const record = c.write ? await newLead() : fixtures.lead;
      return { value: record.id, record };
    },
    'contacts/{id}': async (c) => {
      const record = c.write || c.deleted ? await newContact(fixtures.customer, personas.owner, c.deleted) : fixtures.contact;
      return { value: record.id, record };
    },
    // The customer's share with the reader (every customer of the owner's has one).
    'shares/{shareId}': async (c) => {
      const customer = c.before[0].record as ModelRecord;
      const id = readerShares.get(customer.id);
      if (!id) throw new Error(`customer ${customer.id} has no share`);
      return { value: id, record: tenantRecord(id), deleted: () => model.unshare({ object: 'customer', recordId: customer.id, userId: personas.reader.userId!, departmentId: null }) };
    },
    'follow-ups/{id}': async (c) => {
      const record = c.write ? await newFollowUp() : fixtures.followUp;
      return { value: record.id, record };
    },
    'departments/{id}': async (c) => {
      const id = c.write ? await orgA.department('Spare department') : fixtures.salesDepartment;
      return { value: id, record: tenantRecord(id) };
    },
    'users/{id}': async (c) => {
      const id = c.write ? await orgA.user(`spare-${++counter}`, { departmentId: orgA.admin.departmentId, roles: [] }) : personas.owner.userId!;
      return { value: id, record: tenantRecord(id) };
    },
    'roles/{id}': async (c) => {
      if (!c.write) return { value: fixtures.roleIds['account-manager'], record: tenantRecord(fixtures.roleIds['account-manager']) };
      const role = expectStatus(await call(personas.admin, 'POST', '/api/v1/roles', { code: `spare-role-${++counter}`, name: `Spare role ${counter}` }), 201, 'role').body;
      return { value: role.id, record: tenantRecord(role.id) };
    },
    'handovers/{id}': async () => ({ value: fixtures.handover, record: tenantRecord(fixtures.handover) }),
    // A notification is its recipient's alone: each persona marks one of its own.
    'notifications/{id}': async (c) => {
      const who = c.persona.token ? c.persona : personas.owner;
      const id = await notificationOf(who);
      return { value: id, record: tenantRecord(id, who.org) };
    },
    // An import job is its uploader's (and the administrators'): each persona reads one of its own.
    'imports/{id}': async (c) => {
      const who = c.persona.token ? c.persona : personas.owner;
      const id = await importJobOf(who);
      return { value: id, record: tenantRecord(id, who.org) };
    },
    // An importable object is a name, not a record.
    'templates/{object}': async (c) => ({ value: c.schema.enum?.[0] ?? c.schema.example ?? 'lead' }),
    // A dictionary kind is a name every tenant has, not a record.
    'dictionaries/{kind}': async (c) => ({ value: c.schema.enum?.[0] ?? c.schema.example ?? 'customer-source' }),
    'items/{code}': async (c) => {
      if (!c.write) return { value: fixtures.dictionaryItem, record: tenantRecord(fixtures.dictionaryItem) };
      const code = `matrix-${++counter}`;
      expectStatus(await call(personas.admin, 'POST', `/api/v1/dictionaries/${c.before[0].value}/items`, { code, label: code }), 201, 'dictionary item');
      return { value: code, record: tenantRecord(code) };
    },
    // Duplicate rules are only written (changed, deleted): each request gets a warning rule of its own.
    'duplicate-rules/{id}': async () => {
      const body = { object: 'lead', name: `Matrix rule ${++counter}`, combinations: [[{ field: 'email', mode: 'exact' }]], targets: ['lead'], action: 'warn' };
      const rule = expectStatus(await call(personas.admin, 'POST', '/api/v1/duplicate-rules', body), 201, 'duplicate rule').body;
      return { value: rule.id, record: tenantRecord(rule.id) };
    },
  };

  /**
   * Uploads (multipart): a lead CSV of one row without a name, so the job completes and imports
   * nothing the model would have to know; each one different, so each upload is a new job (202).
   */
  let uploads = 0;
  const uploadFor = (op: Operation) => multipartBody(op.multipart!, () => ({ fileName: `matrix-${++uploads}.csv`, content: `company,name\r\nMatrix import ${uploads} ${Date.now()},\r\n` }));
  const importJobs = new Map<PersonaName, Promise<string>>();
  /** A message in the persona's inbox, filed as identity files what the services send. */
  const notificationOf = async (who: Persona): Promise<string> => {
    const id = randomUUID();
    const db = new Client({ connectionString: system.databases.identity });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO notifications (id, recipient_id, tenant_id, service, kind, title, body, at) VALUES ($1, $2, $3, 'marketing', 'matrix', 'Matrix', 'A message', now())`,
        [id, who.userId, who.tenantId],
      );
    } finally {
      await db.end();
    }
    return id;
  };

  const importJobOf = (who: Persona): Promise<string> => {
    if (!importJobs.has(who.name)) {
      const upload = ops.find((o) => o.key === 'POST /api/v1/imports')!;
      importJobs.set(who.name, call(who, 'POST', '/api/v1/imports', uploadFor(upload)).then((res) => expectStatus(res, 202, 'import job').body.id as string));
    }
    return importJobs.get(who.name)!;
  };

  /** Values for body properties that must name something real in the caller's organisation, or be unique. */
  const spares = (who: Persona) => fixtures.spares[who.org.tenantCode];
  async function fieldValue(who: Persona, name: string, property: Schema): Promise<unknown> {
    switch (name) {
      case 'customerId':
        return fixtures.customer.id;
      case 'contactId':
        return fixtures.contact.id;
      case 'username':
        return 'spare-1';
      case 'departmentId':
      case 'parentId':
        return who.org.admin.departmentId;
      case 'userId':
      case 'ownerId':
      case 'toUserId':
        return spares(who)[1];
      case 'fromUserId':
        return spares(who)[0];
      case 'roleIds':
        return [];
      case 'tenant':
        return who.org.tenantCode;
      case 'password':
        return PASSWORD;
      case 'refreshToken': {
        const login = await request(gw, 'POST', '/api/v1/auth/login', { body: { tenant: who.org.tenantCode, username: 'spare-1', password: PASSWORD } });
        return login.body.refreshToken;
      }
    }
    // Unique names and codes: creating the same one twice is a conflict, not what the matrix asks.
    if (property.type === 'string' && !property.format && !property.enum && typeof property.example === 'string' && ['name', 'code', 'label'].includes(name)) {
      return property.pattern ? `${property.example}-${++counter}` : `${property.example} ${++counter}`;
    }
    return undefined;
  }

  /** Per-operation bodies where the field values above are not enough. */
  const BODIES: Record<string, (who: Persona, resolved: Resolved[]) => Promise<Record<string, unknown>>> = {
    'POST /api/v1/users': async (who) => ({ username: `new-user-${++counter}`, password: PASSWORD, name: 'New user', departmentId: who.org.admin.departmentId, roleIds: [] }),
    // Exactly one grantee.
    'POST /api/v1/customers/{id}/shares': async (who) => ({ userId: spares(who)[1], access: 'read' }),
    // A customer waiting in the pool of the path.
    'POST /api/v1/customer-pools/{id}/claims': async (_who, [pool]) => ({ customerIds: [await ledgerCustomer({ poolId: pool.value })] }),
    'POST /api/v1/customer-pools/{id}/assignments': async (who, [pool]) => ({ customerIds: [await ledgerCustomer({ poolId: pool.value })], userId: spares(who)[1] }),
    'POST /api/v1/customer-pools/{id}/transfers': async (_who, [pool]) => ({ customerIds: [await ledgerCustomer({ poolId: pool.value })], toPoolId: fixtures.pool }),
  };

  async function bodyFor(op: Operation, who: Persona, resolved: Resolved[]): Promise<Record<string, unknown> | undefined> {
    if (!op.body) return undefined;
    const table = BODIES[op.key];
    if (table) return table(who, resolved);
    return exampleBody(doc, op.body, (name, property) => fieldValue(who, name, property));
  }

  /** The concrete path and its resolved parameters; throws for a parameter PARAMS does not know. */
  async function resolvePath(op: Operation, who: Persona, write: boolean, query = requiredQuery(op)): Promise<{ path: string; resolved: Resolved[] }> {
    const resolved: Resolved[] = [];
    let path = '';
    const segments = op.path.split('/');
    for (let i = 0; i < segments.length; i++) {
      const m = /^\{(.+)\}$/.exec(segments[i]);
      if (!m) {
        path += (i ? '/' : '') + segments[i];
        continue;
      }
      const key = `${segments[i - 1]}/${segments[i]}`;
      const resolver = (op.poolAccess && LEDGER_PARAMS[key]) || PARAMS[key];
      if (!resolver) throw new Error(`no fixture for the path parameter '${key}': add one to PARAMS`);
      const schema = (op.spec.parameters ?? []).find((p: Schema) => p.in === 'path' && p.name === m[1])?.schema ?? {};
      const r = await resolver({ persona: who, write, deleted: !!op.dataScope?.deleted, before: resolved, schema });
      resolved.push(r);
      path += `/${encodeURIComponent(r.value)}`;
    }
    return { path: path + query, resolved };
  }

  /** The record whose data scope decides, when the operation declares one. */
  function scopedRecord(ds: DataScopeDoc | undefined, resolved: Resolved[], body: Record<string, unknown> | undefined): ModelRecord | undefined {
    if (!ds?.record) return undefined;
    const record = ds.record === 'path' ? resolved.map((r) => r.record).find(isModelRecord) : model.records.get(String(body?.[ds.record.slice(5)]));
    if (!record || record.object !== scopeObject(ds)) throw new Error(`x-data-scope names a ${ds.object} (${ds.record}), the request names ${record?.object ?? 'no known record'}`);
    return record;
  }

  /** What the persona must get: 'success' (a documented 2xx) or one status. */
  function expected(op: Operation, who: Persona, resolved: Resolved[], record: ModelRecord | undefined): 'success' | number {
    if (op.isPublic) return 'success';
    if (!who.token) return 401;
    if (op.requiredRoles && !op.requiredRoles.some((r) => who.roles!.includes(r))) return 403;
    const named = [record, ...resolved.map((r) => r.record)].filter((r): r is NonNullable<Resolved['record']> => !!r);
    if (named.some((r) => r.tenantId !== who.tenantId)) return 404;
    if (op.poolAccess) return poolExpected(op.poolAccess, who);
    const ds = op.dataScope;
    if (ds && record) {
      if (!model.may(who.userId!, scopeObject(ds), 'view', record)) return 404;
      if (ds.action === 'edit' && !model.may(who.userId!, scopeObject(ds), 'edit', record)) return 403;
    }
    return 'success';
  }

  /** Rows of a list: all in the caller's tenant; for a data-scoped list, each one the model lets them see. */
  function rowProblems(op: Operation, who: Persona, res: Answer, object: BusinessObject | undefined): string[] {
    const items: Schema[] | undefined = Array.isArray(res.body?.items) ? res.body.items : undefined;
    if (!items || !who.tenantId) return [];
    const problems: string[] = [];
    const ds = op.dataScope;
    const tenantOf = (id: string) => model.records.get(id)?.tenantId ?? model.users.get(id)?.tenantId ?? model.departments.get(id)?.tenantId;
    for (const row of items) {
      // The row's tenant, and every record, user or department it names (an audit entry's actor and object, say).
      const foreign = Object.entries(row).filter(([k, v]) => typeof v === 'string' && (k === 'tenantId' ? v !== who.tenantId : (tenantOf(v) ?? who.tenantId) !== who.tenantId));
      if (foreign.length) problems.push(`row ${row.id} names another tenant's ${foreign.map(([k]) => k).join(', ')}`);
      if (!ds || ds.record || !object) continue;
      const record = model.records.get(row.id);
      if (!record) problems.push(`row ${row.id}: not a ${object} the test made`);
      else if (record.object !== object || (ds.deleted ? !model.inRecycleBin(record) : record.deleted) || !model.may(who.userId!, object, ds.action, record)) {
        problems.push(`row ${row.id} (${record.object} of ${record.ownerId}${record.deleted ? ', deleted' : ''}) is not one ${who.name} may ${ds.action}`);
      }
    }
    return problems;
  }

  beforeAll(async () => {
    system = await startSystem({ label: 'matrix' });
    gw = system.gateway;
    expect((await waitUntilHealthy(gw)).status).toBe(200);

    // Tenant A (demo): Sales ⊃ Sales-East (owner, colleague; their superior manages Sales), Service (another rep).
    orgA = await Organisation.open(gw, model, 'demo', system.adminPassword);
    const sales = await orgA.department('Sales');
    const east = await orgA.department('Sales-East', sales);
    const service = await orgA.department('Service');
    const manager = await orgA.user('manager', { departmentId: sales, roles: ['dept-manager'] });
    await orgA.user('owner', { departmentId: east, roles: ['account-manager'], superiorId: manager });
    await orgA.user('colleague', { departmentId: east, roles: ['account-manager'], superiorId: manager });
    await orgA.user('other-dept', { departmentId: service, roles: ['account-manager'] });
    await orgA.user('reader', { departmentId: service, roles: ['account-manager'] });
    // Users with no role and no records: receivers of shares, owner changes and handovers, and sign-ins.
    const sparesA: [string, string] = [
      await orgA.user('spare-1', { departmentId: orgA.admin.departmentId, roles: [] }),
      await orgA.user('spare-2', { departmentId: orgA.admin.departmentId, roles: [] }),
    ];
    // Tenant B, provisioned as the operator CLI does: its admin, a rep, two spare users.
    await system.provisionTenant('other', 'Other Trading Ltd', 'other-Admin-passw0rd');
    orgB = await Organisation.open(gw, model, 'other', 'other-Admin-passw0rd');
    await orgB.user('rep', { departmentId: orgB.admin.departmentId, roles: ['account-manager'] });
    const sparesB: [string, string] = [
      await orgB.user('spare-1', { departmentId: orgB.admin.departmentId, roles: [] }),
      await orgB.user('spare-2', { departmentId: orgB.admin.departmentId, roles: [] }),
    ];
    await Promise.all([orgA.projected(system.databases.sales), orgB.projected(system.databases.sales)]);

    personas.anonymous = { name: 'anonymous', org: orgA };
    personas.admin = { name: 'admin', org: orgA, ...orgA.admin };
    personas.otherTenantAdmin = { name: 'otherTenantAdmin', org: orgB, ...orgB.admin };
    for (const [name, org, username] of [
      ['owner', orgA, 'owner'],
      ['colleague', orgA, 'colleague'],
      ['manager', orgA, 'manager'],
      ['otherDept', orgA, 'other-dept'],
      ['reader', orgA, 'reader'],
      ['otherTenant', orgB, 'rep'],
    ] as const) {
      personas[name] = { name, org, ...(await org.signIn(username)) };
    }

    fixtures.spares = { demo: sparesA, other: sparesB };
    fixtures.salesDepartment = sales;
    fixtures.roleIds = Object.fromEntries(
      (await call(personas.admin, 'GET', '/api/v1/roles?pageSize=200')).body.items.map((r: { code: string; id: string }) => [r.code, r.id]),
    );
    fixtures.customer = await newCustomer();
    fixtures.contact = await newContact();
    fixtures.followUp = await newFollowUp();
    fixtures.binned = await newCustomer(personas.owner, true);
    fixtures.lead = await newLead();
    // Tenant B's own records: its lists are not empty, and none of them may show in tenant A.
    const customerB = await newCustomer(personas.otherTenant);
    const contactB = await newContact(customerB, personas.otherTenant);
    await newLead(personas.otherTenant);
    await newFollowUp(customerB, personas.otherTenant);
    const rolesB = (await call(personas.otherTenantAdmin, 'GET', '/api/v1/roles?pageSize=200')).body.items;
    fixtures.foreign = { customer: customerB.id, contact: contactB.id, user: sparesB[1], role: rolesB.find((r: { code: string }) => r.code === 'account-manager').id };

    doc = expectStatus(await call(undefined, 'GET', '/openapi.json'), 200, 'openapi').body;
    ops = operationsOf(doc);
    if (ops.some((o) => o.poolAccess)) {
      marketingDb = new Client({ connectionString: system.databases.marketing });
      await marketingDb.connect();
      fixtures.pool = await newPool('customer', true);
      fixtures.leadPool = await newPool('lead');
      fixtures.ledgerCustomer = await ledgerCustomer({ ownerId: personas.owner.userId });
    }
    if (ops.some((o) => o.path === '/api/v1/handovers')) {
      fixtures.handover = expectStatus(await call(personas.admin, 'POST', '/api/v1/handovers', { fromUserId: sparesA[0], toUserId: sparesA[1] }), 201, 'handover').body.id;
    }
    if (ops.some((o) => o.path.includes('/items/{code}'))) {
      fixtures.dictionaryItem = `matrix-fixture-${Date.now()}`;
      expectStatus(await call(personas.admin, 'POST', '/api/v1/dictionaries/customer-source/items', { code: fixtures.dictionaryItem, label: 'Matrix' }), 201, 'dictionary item');
    }
  }, 180_000);

  afterAll(async () => {
    await marketingDb?.end();
    await system?.stop();
  });

  it('declares who may call every operation of the merged document', () => {
    expect(ops.length).toBeGreaterThan(20);
    const undeclared = ops.map((op) => [op.key, accessRuleProblem(op)]).filter(([, problem]) => problem);
    expect(undeclared).toEqual([]);
    // The core of the sales context is record-scoped; the admin's own tools are function permissions.
    expect(ops.find((o) => o.key === 'PATCH /api/v1/customers/{id}')?.dataScope).toEqual({ object: 'customer', action: 'edit', record: 'path' });
    expect(ops.find((o) => o.key === 'PUT /api/v1/customers/{id}/owner')?.requiredRoles).toEqual(['admin']);
    expect(ops.find((o) => o.key === 'GET /api/v1/me')?.access).toBe('authenticated');
  });

  it('applies the default rules as the manual states them (a sample, spelled out)', async () => {
    const ids = async (who: Persona, path: string) => (await call(who, 'GET', `${path}?pageSize=200`)).body.items.map((r: { id: string }) => r.id);
    // Account managers list their department's customers but open only their own.
    expect(await ids(personas.colleague, '/api/v1/customers')).toContain(fixtures.customer.id);
    expect((await call(personas.colleague, 'GET', `/api/v1/customers/${fixtures.customer.id}`)).status).toBe(404);
    expect(await ids(personas.otherDept, '/api/v1/customers')).not.toContain(fixtures.customer.id);
    // Contacts: self and subordinates, so not a peer's.
    expect(await ids(personas.colleague, '/api/v1/contacts')).not.toContain(fixtures.contact.id);
    // The department manager sees and changes the sub-department's records.
    expect(await ids(personas.manager, '/api/v1/follow-ups')).toContain(fixtures.followUp.id);
    expect((await call(personas.manager, 'PATCH', `/api/v1/customers/${fixtures.customer.id}`, { remarks: 'checked' })).status).toBe(200);
    // A read share shows the customer, and changing it is a 403.
    expect((await call(personas.reader, 'GET', `/api/v1/customers/${fixtures.customer.id}`)).status).toBe(200);
    expect((await call(personas.reader, 'PATCH', `/api/v1/customers/${fixtures.customer.id}`, { remarks: 'mine now' })).status).toBe(403);
    // Another organisation's administrator does not even learn that the record exists.
    expect((await call(personas.otherTenantAdmin, 'GET', `/api/v1/customers/${fixtures.customer.id}`)).body.code).toBe('CUSTOMER.NOT_FOUND');
  });

  it('lists exactly the records each persona may see, before any change', async () => {
    expect(await listProblems()).toEqual([]);
  }, 60_000);

  it('answers every operation × persona as its declared access rule says (401, 403, 404 or success)', async () => {
    const started = Date.now();
    const failures: string[] = [];
    const cells: string[] = [];
    for (const op of ops) {
      const write = op.method !== 'GET';
      await Promise.all(
        PERSONAS.map(async (name) => {
          const who = personas[name];
          let label = `${op.key} as ${name}`;
          try {
            const list = op.dataScope && !op.dataScope.record ? listVariants(op)[0] : undefined;
            const { path, resolved } = await resolvePath(op, who, write, list?.query);
            const body = await bodyFor(op, who, resolved);
            const record = scopedRecord(op.dataScope, resolved, body);
            const want = expected(op, who, resolved, record);
            const res = await call(who, op.method, path, op.multipart ? uploadFor(op) : body);
            label = `${op.method} ${path} as ${name}`;
            const documented2xx = [...op.documented].filter((s) => s >= 200 && s < 300);
            const ok = want === 'success' ? res.status >= 200 && res.status < 300 && (!documented2xx.length || documented2xx.includes(res.status)) : res.status === want;
            if (!ok) failures.push(`${label}: expected ${want}, got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
            else if (res.status >= 400 && !op.documented.has(res.status)) failures.push(`${label}: ${res.status} is not among the documented responses`);
            cells.push(`${op.key} ${name} ${res.status}`);
            for (const p of rowProblems(op, who, res, list?.object)) failures.push(`${label}: ${p}`);
            learn(op, who, resolved, res);
          } catch (err) {
            failures.push(`${label}: ${(err as Error).message}`);
          }
        }),
      );
      await Promise.all(conversions.splice(0));
    }
    // eslint-disable-next-line no-console
    console.log(`authorisation matrix: ${ops.length} operations × ${PERSONAS.length} personas = ${cells.length} requests (${requests} in all so far) in ${Date.now() - started} ms`);
    expect(failures).toEqual([]);
  }, 180_000);

  it('still lists exactly the records each persona may see after the matrix changed, shared, moved and deleted some', async () => {
    expect(await listProblems()).toEqual([]);
  }, 60_000);

  /** Every data-scoped list as every persona: the rows are exactly those the model allows. */
  async function listProblems(): Promise<string[]> {
    const problems: string[] = [];
    const lists = ops.filter((o) => o.method === 'GET' && o.dataScope && !o.dataScope.record);
    expect(lists.map((o) => o.path)).toEqual(expect.arrayContaining(['/api/v1/customers', '/api/v1/contacts', '/api/v1/follow-ups']));
    for (const op of lists) {
      for (const { object, query } of listVariants(op)) {
        for (const name of PERSONAS.filter((p) => p !== 'anonymous')) {
          const who = personas[name];
          const { path } = await resolvePath(op, who, false, query);
          const res = await call(who, 'GET', path);
          if (res.status !== 200) {
            problems.push(`${op.key}${query} as ${name}: ${res.status}`);
            continue;
          }
          expect(res.body.total).toBeLessThanOrEqual(200); // one page holds them all
          const ds = op.dataScope!;
          const got = res.body.items.map((r: { id: string }) => r.id).sort();
          const want = [...model.visible(who.userId!, object, ds.action, !!ds.deleted)].sort();
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            const extra = got.filter((id: string) => !want.includes(id));
            const missing = want.filter((id) => !got.includes(id));
            problems.push(`${op.key}${query} as ${name}: extra ${JSON.stringify(extra)}, missing ${JSON.stringify(missing)}`);
          }
        }
      }
    }
    return problems;
  }

  it('refuses ownerId, tenantId, createdBy, id and unknown fields in every write body, or changes nothing with them', async () => {
    const smuggled: Record<string, () => unknown> = {
      ownerId: () => personas.colleague.userId,
      tenantId: () => orgB.admin.tenantId,
      createdBy: () => personas.colleague.userId,
      id: () => '0190a6e2-7b3c-7d4e-8f00-00000000beef',
      somethingUnknown: () => 'smuggled-value',
    };
    const failures: string[] = [];
    const accepted: string[] = [];
    const writes = ops.filter((o) => ['POST', 'PUT', 'PATCH'].includes(o.method) && o.body);
    expect(writes.length).toBeGreaterThan(10);
    for (const op of writes) {
      // Someone who may do it: the public route's anonymous caller, else tenant A's administrator.
      const who = op.isPublic ? personas.anonymous : personas.admin;
      const targets: { where: string; schema: Schema }[] = [{ where: 'body', schema: op.body! }];
      // Nested objects (e.g. the items of PUT data-rules) are whitelisted too.
      for (const [name, property] of Object.entries<Schema>(op.body!.properties ?? {})) {
        const ref = property.$ref ?? property.items?.$ref;
        if (ref) targets.push({ where: name, schema: doc.components.schemas[String(ref).split('/').pop()!] });
      }
      for (const target of targets) {
        for (const [field, value] of Object.entries(smuggled)) {
          const label = `${op.key} with ${field} in ${target.where}`;
          try {
            if (target.schema.properties?.[field]) {
              accepted.push(`${op.key}: ${field} (declared)`);
              continue;
            }
            const { path, resolved } = await resolvePath(op, who, true);
            const body = await bodyFor(op, who, resolved);
            if (!body) continue;
            const injected = value();
            if (target.where === 'body') body[field] = injected;
            else {
              const nested = body[target.where] ?? (await exampleBody(doc, target.schema, (n, p) => fieldValue(who, n, p)));
              body[target.where] = Array.isArray(nested) ? nested.map((x) => ({ ...x, [field]: injected })) : { ...(nested as object), [field]: injected };
            }
            const before = await snapshot(op, who, path);
            const res = await call(who, op.method, path, body);
            if (res.status === 400) {
              if (!JSON.stringify(res.body?.errors ?? []).includes(field)) failures.push(`${label}: 400 without naming ${field}`);
              const after = await snapshot(op, who, path);
              if (before !== undefined && JSON.stringify(after) !== JSON.stringify(before)) failures.push(`${label}: 400, yet the record changed`);
              continue;
            }
            if (res.status >= 300) {
              failures.push(`${label}: expected 400 (or success without effect), got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
              continue;
            }
            learn(op, who, resolved, res);
            const shown = JSON.stringify(res.body ?? {});
            const after = await snapshot(op, who, path);
            if (shown.includes(String(injected)) || JSON.stringify(after ?? {}).includes(String(injected))) failures.push(`${label}: ${res.status} and the record took ${field}`);
            else accepted.push(`${label}: ${res.status}, ignored`);
          } catch (err) {
            failures.push(`${label}: ${(err as Error).message}`);
          }
        }
      }
    }
    // eslint-disable-next-line no-console
    console.log(`mass assignment: ${writes.length} write operations; accepted by design or ignored:\n  ${accepted.join('\n  ')}`);
    expect(failures).toEqual([]);
  }, 180_000);

  it('refuses, in every write body, references to another organisation\u2019s records and people', async () => {
    // Tenant B's counterpart of each reference a body may hold.
    const foreign: Record<string, () => unknown> = {
      customerId: () => fixtures.foreign.customer,
      contactId: () => fixtures.foreign.contact,
      departmentId: () => orgB.admin.departmentId,
      parentId: () => orgB.admin.departmentId,
      userId: () => fixtures.foreign.user,
      ownerId: () => fixtures.foreign.user,
      fromUserId: () => fixtures.foreign.user,
      toUserId: () => fixtures.foreign.user,
      superiorId: () => fixtures.foreign.user,
      managerId: () => fixtures.foreign.user,
      roleIds: () => [fixtures.foreign.role],
    };
    const failures: string[] = [];
    let checked = 0;
    for (const op of ops.filter((o) => ['POST', 'PUT', 'PATCH'].includes(o.method) && o.body && !o.isPublic)) {
      for (const field of Object.keys(op.body!.properties ?? {}).filter((f) => foreign[f])) {
        const who = personas.admin;
        try {
          const { path, resolved } = await resolvePath(op, who, true);
          const body = { ...(await bodyFor(op, who, resolved)), [field]: foreign[field]() };
          // A share names one grantee: the foreign one alone.
          if (field === 'departmentId' && 'userId' in body && op.body!.properties.userId && !op.body!.required?.includes('userId')) delete body.userId;
          const before = await snapshot(op, who, path);
          const res = await call(who, op.method, path, body);
          checked++;
          if (res.status !== 400 && res.status !== 404) failures.push(`${op.method} ${path} with tenant B's ${field}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          else if (before !== undefined && JSON.stringify(await snapshot(op, who, path)) !== JSON.stringify(before)) failures.push(`${op.key} with tenant B's ${field}: refused, yet the record changed`);
          learn(op, who, resolved, res);
        } catch (err) {
          failures.push(`${op.key} with tenant B's ${field}: ${(err as Error).message}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  }, 120_000);

  it('changes nothing but the owner when an administrator gives a customer to someone else', async () => {
    const customer = await newCustomer();
    const before = (await call(personas.admin, 'GET', `/api/v1/customers/${customer.id}`)).body;
    const res = await call(personas.admin, 'PUT', `/api/v1/customers/${customer.id}/owner`, { ownerId: personas.colleague.userId });
    expect(res.status).toBe(200);
    const after = (await call(personas.admin, 'GET', `/api/v1/customers/${customer.id}`)).body;
    const changed = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k])).sort();
    expect(changed).toEqual(['ownerId', 'updatedAt', 'updatedBy']);
    expect(after).toMatchObject({ ownerId: personas.colleague.userId, updatedBy: personas.admin.userId, createdBy: personas.owner.userId, tenantId: orgA.admin.tenantId });
    model.records.get(customer.id)!.ownerId = after.ownerId;
  });

  /**
   * The record a write names, as the caller reads it: the GET on the operation's path, or on the
   * nearest shorter path ending in a parameter (`/customers/{id}` for `/customers/{id}/owner`);
   * undefined for creates and when there is no such GET.
   */
  async function snapshot(op: Operation, who: Persona, path: string): Promise<unknown> {
    const template = op.path.split('/');
    const concrete = path.split('?')[0].split('/');
    while (template.some((s) => s.startsWith('{'))) {
      if (ops.some((o) => o.method === 'GET' && o.path === template.join('/'))) {
        const res = await call(who, 'GET', concrete.join('/'));
        return res.status === 200 ? res.body : res.status;
      }
      template.pop();
      concrete.pop();
    }
    return undefined;
  }
});
