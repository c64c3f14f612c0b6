import { randomUUID } from 'node:crypto';
import { Workbook } from 'exceljs';
import { LeadCreated, UserData } from '@crm/contracts';
import { ImportWorker } from '../src/imports/application/import-worker';
import { parseCsv } from '../src/imports/domain/csv';
import { xlsxOf } from '../src/imports/infrastructure/spreadsheet';
import { CallResult, MarketingHarness, eventually, startMarketingHarness } from './support';

/**
 * Spreadsheet imports of leads on the marketing harness (see ./support.ts for the organisation):
 * templates, the 10,000-row acceptance case, idempotent re-upload, CSV details, bad uploads, and
 * who may see a job.
 */
describe('marketing: imports', () => {
  let h: MarketingHarness;
  let rep1: UserData, rep2: UserData, admin: UserData, adminB: UserData;
  const MAX_BYTES = 2 * 1024 * 1024;

  beforeAll(async () => {
    h = await startMarketingHarness('marketing_imports', { IMPORT_MAX_BYTES: String(MAX_BYTES), IMPORT_POLL_INTERVAL_MS: '100' });
    ({ rep1, rep2, admin, adminB } = h.users);
  }, 90_000);

  afterAll(() => h?.stop());

  const HEADER = ['公司名称 company', '联系人姓名 name', '电话 phone', '邮箱 email', '来源 source', '地区 region', '行业 industry', '标签 tags', '备注 remarks'];

  async function upload(as: UserData, object: string | undefined, content: Buffer | undefined, fileName = 'leads.csv'): Promise<CallResult> {
    const form = new FormData();
    if (object !== undefined) form.append('object', object);
    if (content !== undefined) form.append('file', new Blob([content]), fileName);
    const res = await fetch(`${h.base}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${h.tokenOf(as)}` }, body: form });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, type: res.headers.get('content-type') ?? '' };
  }
  const raw = async (as: UserData, path: string) => {
    const res = await fetch(`${h.base}${path}`, { headers: { authorization: `Bearer ${h.tokenOf(as)}` } });
    return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const finished = (as: UserData, id: string, ms = 120_000) =>
    eventually(
      async () => {
        const res = await h.call(as, 'GET', `/api/v1/imports/${id}`);
        return ['completed', 'failed'].includes(res.body.status) ? res.body : undefined;
      },
      ms,
      `import ${id} finished`,
    );
  const leadCount = async (tenantId: string, where = 'true', params: unknown[] = []) =>
    Number((await h.db.query(`SELECT count(*) FROM leads WHERE tenant_id = $1 AND ${where}`, [tenantId, ...params])).rows[0].count);
  const csv = (rows: string[][]) => Buffer.from(rows.map((r) => r.join(',')).join('\r\n') + '\r\n');

  describe('templates', () => {
    it('serves an XLSX template per object with Chinese and English headers and an example row', async () => {
      for (const object of ['lead', 'customer', 'contact']) {
        const res = await raw(rep1, `/api/v1/imports/templates/${object}`);
        expect(res.status).toBe(200);
        expect(res.type).toContain('spreadsheetml');
        expect(res.disposition).toContain(`${object}-import-template.xlsx`);
        const wb = new Workbook();
        await wb.xlsx.load(res.bytes as unknown as ArrayBuffer);
        const sheet = wb.worksheets[0];
        const header = (sheet.getRow(1).values as string[]).slice(1);
        expect(header.length).toBeGreaterThan(3);
        expect(header.every((c) => /[\u4e00-\u9fff]+ [a-zA-Z]+$/.test(c))).toBe(true);
        expect((sheet.getRow(2).values as unknown[]).slice(1).some((v) => v)).toBe(true);
      }
      const lead = await raw(rep1, '/api/v1/imports/templates/lead');
      const wb = new Workbook();
      await wb.xlsx.load(lead.bytes as unknown as ArrayBuffer);
      expect((wb.worksheets[0].getRow(1).values as string[]).slice(1, 3)).toEqual(['*公司名称 company', '*联系人姓名 name']);
    });

    it('serves a CSV template (UTF-8 with BOM) that imports as it is', async () => {
      const res = await raw(rep1, '/api/v1/imports/templates/lead?format=csv');
      expect(res.status).toBe(200);
      expect(res.type).toContain('text/csv');
      expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(res.bytes.toString('utf8'));
      expect(rows[0]).toEqual(HEADER);
      expect(rows).toHaveLength(2);
      // The template itself is a valid import of one lead.
      const up = await upload(rep2, 'lead', res.bytes, 'template.csv');
      expect(up.status).toBe(202);
      expect(await finished(rep2, up.body.id)).toMatchObject({ status: 'completed', total: 1, succeeded: 1, failed: 0 });
    });

    it('answers 400 for an unknown object or format', async () => {
      expect((await h.call(rep1, 'GET', '/api/v1/imports/templates/opportunity')).status).toBe(400);
      expect((await h.call(rep1, 'GET', '/api/v1/imports/templates/lead?format=pdf')).status).toBe(400);
    });
  });

  describe('a 10,000-row XLSX with 3% bad rows', () => {
    const ROWS = 10_000;
    /** Spreadsheet row number (header = 1) → the field the row gets wrong. */
    const bad = new Map<number, string>();
    let file: Buffer;
    let jobId: string;

    beforeAll(async () => {
      const rows: string[][] = [HEADER];
      for (let i = 0; i < ROWS; i++) {
        const row = i + 2;
        const cells = [`宁波测试机械有限公司 ${i}`, `联系人${i}`, `+86 139 ${String(i).padStart(8, '0')}`, `lead${i}@example.com`, 'exhibition', '浙江/宁波', 'manufacturing', 'a,b', ''];
        if (i % 100 === 7) {
          // 3 in every 100: a different problem each.
          const kind = (i / 100) % 5 | 0;
          if (kind === 0) (cells[0] = ''), bad.set(row, 'company');
          else if (kind === 1) (cells[3] = 'not-an-email'), bad.set(row, 'email');
          else if (kind === 2) (cells[2] = 'call me'), bad.set(row, 'phone');
          else if (kind === 3) (cells[1] = 'x'.repeat(101)), bad.set(row, 'name');
          else (cells[2] = `139-${String(i - 1).padStart(8, '0')}`), (cells[3] = `dup${i}@example.com`), bad.set(row, 'phone'); // the phone of the row above
        }
        if (i % 100 === 37) (cells[1] = ''), bad.set(row, 'name');
        if (i % 100 === 71) (cells[3] = `LEAD${i - 1}@Example.com`), (cells[2] = ''), bad.set(row, 'email'); // the e-mail of the row above, differently cased
        rows.push(cells);
      }
      expect(bad.size).toBe(300);
      file = await xlsxOf(rows);
    }, 60_000);

    it('imports exactly the good rows and reports the bad ones by row, field and reason', async () => {
      const before = await leadCount(h.tenantA, 'created_by = $2', [rep1.id]);
      const res = await upload(rep1, 'lead', file, 'leads.xlsx');
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ object: 'lead', fileName: 'leads.xlsx', format: 'xlsx', status: 'queued', createdBy: rep1.id, processed: 0 });
      jobId = res.body.id;
      const job = await finished(rep1, jobId);
      expect(job).toMatchObject({ status: 'completed', total: ROWS, processed: ROWS, succeeded: ROWS - 300, failed: 300, failureReason: null });
      expect(await leadCount(h.tenantA, 'created_by = $2', [rep1.id])).toBe(before + ROWS - 300);

      // The leads are the importer's, numbered, new, with their fields.
      const { rows: sample } = await h.db.query("SELECT * FROM leads WHERE tenant_id = $1 AND company = '宁波测试机械有限公司 0'", [h.tenantA]);
      expect(sample).toHaveLength(1);
      expect(sample[0]).toMatchObject({ name: '联系人0', phone: '+86 139 00000000', email: 'lead0@example.com', owner_id: rep1.id, status: 'new', tags: ['a', 'b'], pool_id: null });
      expect(sample[0].code).toMatch(/^XS-\d{8}-\d{4,}$/);
      const codes = await h.db.query('SELECT count(DISTINCT code) AS n FROM leads WHERE tenant_id = $1', [h.tenantA]);
      expect(Number(codes.rows[0].n)).toBe(await leadCount(h.tenantA));
      // In the duplicate index, for the checks that come after.
      const indexed = await h.db.query("SELECT count(*) AS n FROM duplicate_index WHERE tenant_id = $1 AND object = 'lead' AND owner_id = $2 AND live", [h.tenantA, rep1.id]);
      expect(Number(indexed.rows[0].n)).toBe(before + ROWS - 300);
      // One lead.created event and one audit entry per lead, through the outbox.
      const events = await h.db.query("SELECT count(*) AS n FROM outbox WHERE event->>'type' = $1 AND event->'data'->>'createdBy' = $2", [LeadCreated.type, rep1.id]);
      expect(Number(events.rows[0].n)).toBe(before + ROWS - 300);
      const audits = await h.db.query("SELECT count(*) AS n FROM outbox WHERE topic = 'marketing.audit.v1' AND event->'data'->>'actorId' = $1 AND event->'data'->>'action' = 'create'", [rep1.id]);
      expect(Number(audits.rows[0].n)).toBeGreaterThanOrEqual(ROWS - 300);

      // The report: CSV, one line per bad row, naming the field.
      const report = await raw(rep1, `/api/v1/imports/${jobId}/errors`);
      expect(report.status).toBe(200);
      expect(report.type).toContain('text/csv');
      const lines = parseCsv(report.bytes.toString('utf8'));
      expect(lines[0]).toEqual(['row', 'field', 'reason']);
      const reported = new Map(lines.slice(1).map(([row, field]) => [Number(row), field]));
      expect(reported).toEqual(bad);
      expect(lines.slice(1).every(([, , reason]) => reason.length > 0)).toBe(true);
      const json = await h.call(rep1, 'GET', `/api/v1/imports/${jobId}/errors?format=json`);
      expect(json.body).toHaveLength(300);
      expect(json.body).toContainEqual({ row: 9, field: 'company', reason: 'required' });
      expect(json.body.find((e: { row: number }) => e.row === 73)).toMatchObject({ field: 'email', reason: expect.stringContaining('row 72') });
    }, 180_000);

    it('answers the same job to the same file and adds nothing', async () => {
      const count = await leadCount(h.tenantA);
      const again = await upload(rep1, 'lead', file, 'renamed.xlsx');
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: jobId, status: 'completed', succeeded: ROWS - 300 });
      // Whoever uploads it: the file's rows are in already.
      expect((await upload(admin, 'lead', file)).body.id).toBe(jobId);
      await new Promise((r) => setTimeout(r, 300));
      expect(await leadCount(h.tenantA)).toBe(count);
      expect(Number((await h.db.query('SELECT count(*) FROM import_jobs WHERE file_sha256 = $1', [again.body.fileSha256])).rows[0].count)).toBe(1);
      // The file is not kept once imported.
      expect((await h.db.query('SELECT content FROM import_jobs WHERE id = $1', [jobId])).rows[0].content).toBeNull();
    });
  });

  it('reads CSV as Excel writes it: BOM, CRLF, quotes with commas, line breaks and doubled quotes; Chinese-only or English-only headers', async () => {
    const text =
      '\ufeff公司名称,name,PHONE,邮箱,备注,标签\r\n' +
      '"Ningbo ""Sea"", Sky Co., Ltd.",Chen Jie,0574-8888 1111,chen@sea.example.com,"line one\r\nline two","x;y、z"\r\n' +
      '  杭州联合机械有限公司  ,王芳,,,,\r\n' +
      ',,,,,\r\n';
    const res = await upload(rep2, 'lead', Buffer.from(text), 'excel.csv');
    expect(res.status).toBe(202);
    expect(await finished(rep2, res.body.id)).toMatchObject({ status: 'completed', total: 2, succeeded: 2, failed: 0 });
    const { rows } = await h.db.query("SELECT company, name, phone, email, remarks, tags FROM leads WHERE tenant_id = $1 AND created_by = $2 AND name IN ('Chen Jie', '王芳') ORDER BY name", [h.tenantA, rep2.id]);
    expect(rows).toEqual([
      { company: 'Ningbo "Sea", Sky Co., Ltd.', name: 'Chen Jie', phone: '0574-8888 1111', email: 'chen@sea.example.com', remarks: 'line one\r\nline two', tags: ['x', 'y', 'z'] },
      { company: '杭州联合机械有限公司', name: '王芳', phone: null, email: null, remarks: null, tags: [] },
    ]);
  });

  it('reads GB18030 CSV (Excel on Chinese Windows) and turns away rows whose phone or e-mail an existing lead has', async () => {
    const existing = await h.call(rep2, 'POST', '/api/v1/leads', { company: '已有公司', name: '张三', phone: '+86 138 0013 8000', email: 'Zhang.San@Example.com' });
    expect(existing.status).toBe(201);
    const text = '公司名称 company,联系人姓名 name,电话 phone,邮箱 email\r\n新公司甲,李四,138-0013-8000,\r\n新公司乙,王五,,zhang.san@example.com\r\n新公司丙,赵六,13700000001,zhao@example.com\r\n';
    const res = await upload(rep2, 'lead', Buffer.from(new TextEncoder().encode(text)), 'gbk.csv'); // UTF-8 first…
    expect(res.status).toBe(202);
    const job = await finished(rep2, res.body.id);
    expect(job).toMatchObject({ status: 'completed', succeeded: 1, failed: 2 });
    const report = await h.call(rep2, 'GET', `/api/v1/imports/${job.id}/errors?format=json`);
    expect(report.body).toEqual([
      { row: 2, field: 'phone', reason: `duplicate: the same phone as lead ${existing.body.code}` },
      { row: 3, field: 'email', reason: `duplicate: the same e-mail as lead ${existing.body.code}` },
    ]);
    // …and the same sheet saved as GB18030 reads the same (its own job: other bytes).
    const gbk = Buffer.from([
      ...Buffer.from('company,name\r\n'),
      // 国标公司,刘七 in GB18030
      0xb9, 0xfa, 0xb1, 0xea, 0xb9, 0xab, 0xcb, 0xbe, 0x2c, 0xc1, 0xf5, 0xc6, 0xdf, 0x0d, 0x0a,
    ]);
    const second = await upload(rep2, 'lead', gbk, 'gbk.csv');
    expect(second.status).toBe(202);
    expect(await finished(rep2, second.body.id)).toMatchObject({ status: 'completed', succeeded: 1 });
    expect(await leadCount(h.tenantA, "company = '国标公司' AND name = '刘七'")).toBe(1);
  });

  it('takes over a job whose worker stopped reporting, and resumes after its last committed batch', async () => {
    // A job another replica was running when it died: the first data row was imported (and counted), the rest not.
    const id = randomUUID();
    const content = csv([HEADER, ['Resumed Co 1', 'A', '', '', '', '', '', '', ''], ['Resumed Co 2', 'B', '', '', '', '', '', '', ''], ['', 'C', '', '', '', '', '', '', '']]);
    await h.db.query(
      `INSERT INTO import_jobs (id, tenant_id, object, file_name, file_format, file_sha256, file_size, content, status, total, processed, succeeded, attempts, created_by, started_at, heartbeat_at)
       VALUES ($1, $2, 'lead', 'resumed.csv', 'csv', $3, $4, $5, 'running', 3, 1, 1, 1, $6, now() - interval '5 minutes', now() - interval '2 minutes')`,
      [id, h.tenantA, `resume-${id}`, content.length, content, rep1.id],
    );
    h.app.get(ImportWorker).wake();
    expect(await finished(rep1, id)).toMatchObject({ status: 'completed', total: 3, processed: 3, succeeded: 2, failed: 1 });
    expect(await leadCount(h.tenantA, "company LIKE 'Resumed Co %'")).toBe(1);
    expect(await leadCount(h.tenantA, "company = 'Resumed Co 2'")).toBe(1);
    expect((await h.call(rep1, 'GET', `/api/v1/imports/${id}/errors?format=json`)).body).toEqual([{ row: 4, field: 'company', reason: 'required' }]);
  });

  describe('bad uploads answer 4xx, never 500', () => {
    it('refuses a missing file, a missing or unknown object, and objects not importable yet', async () => {
      const file = csv([HEADER, ['A', 'B', '', '', '', '', '', '', '']]);
      const noFile = await upload(rep1, 'lead', undefined);
      expect(noFile.status).toBe(400);
      expect(noFile.body.errors).toContainEqual(expect.objectContaining({ field: 'file' }));
      const noObject = await upload(rep1, undefined, file);
      expect(noObject.status).toBe(400);
      expect(noObject.body.errors).toContainEqual(expect.objectContaining({ field: 'object' }));
      expect((await upload(rep1, 'opportunity', file)).status).toBe(400);
      const customer = await upload(rep1, 'customer', file);
      expect(customer.status).toBe(400);
      expect(customer.body.code).toBe('IMPORT.OBJECT_NOT_SUPPORTED');
    });

    it('refuses what is not a spreadsheet, or lacks the required columns', async () => {
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
      for (const content of [png, Buffer.from('{"company": "json is not csv"}'), Buffer.from('company,phone\r\nA,1\r\n'), Buffer.alloc(0), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2])]) {
        const res = await upload(rep1, 'lead', content, 'x.csv');
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('IMPORT.NOT_A_SPREADSHEET');
      }
    });

    it('refuses a body that is not multipart', async () => {
      const json = await h.call(rep1, 'POST', '/api/v1/imports', { object: 'lead' });
      expect(json.status).toBe(400);
    });

    it('answers 413 for a file over IMPORT_MAX_BYTES, and nothing is queued', async () => {
      const jobs = Number((await h.db.query('SELECT count(*) FROM import_jobs')).rows[0].count);
      const big = Buffer.concat([Buffer.from(`${HEADER.join(',')}\r\n`), Buffer.alloc(MAX_BYTES + 1024, 'a')]);
      const res = await upload(rep1, 'lead', big, 'big.csv');
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('IMPORT.FILE_TOO_LARGE');
      expect(Number((await h.db.query('SELECT count(*) FROM import_jobs')).rows[0].count)).toBe(jobs);
    });

    it('fails the job, with the reason, for a workbook it cannot read', async () => {
      const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('not really a zip')]);
      const res = await upload(rep1, 'lead', broken, 'broken.xlsx');
      expect(res.status).toBe(202);
      const job = await finished(rep1, res.body.id);
      expect(job.status).toBe('failed');
      expect(job.failureReason).toMatch(/not a readable XLSX/);
      const noHeader = await upload(rep1, 'lead', await xlsxOf([['foo', 'bar'], ['1', '2']]), 'other.xlsx');
      expect((await finished(rep1, noHeader.body.id)).failureReason).toMatch(/none of the template/);
    });
  });

  describe('who sees a job', () => {
    let jobId: string;
    const file = csv([HEADER, ['Visibility Co', 'Li Lei', '', 'li.lei@visibility.example.com', '', '', '', '', ''], ['', 'No company', '', '', '', '', '', '', '']]);

    beforeAll(async () => {
      const res = await upload(rep1, 'lead', file, 'visibility.csv');
      expect(res.status).toBe(202);
      jobId = res.body.id;
      await finished(rep1, jobId);
    });

    it('shows a job and its report to its uploader and the organisation\u2019s administrators only', async () => {
      expect((await h.call(rep1, 'GET', `/api/v1/imports/${jobId}`)).status).toBe(200);
      expect((await h.call(admin, 'GET', `/api/v1/imports/${jobId}`)).status).toBe(200);
      expect((await h.call(admin, 'GET', `/api/v1/imports/${jobId}/errors?format=json`)).body).toEqual([{ row: 3, field: 'company', reason: 'required' }]);
      for (const who of [rep2, adminB]) {
        const res = await h.call(who, 'GET', `/api/v1/imports/${jobId}`);
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('IMPORT.NOT_FOUND');
        expect((await raw(who, `/api/v1/imports/${jobId}/errors`)).status).toBe(404);
      }
      expect((await h.call(rep1, 'GET', '/api/v1/imports/not-a-uuid')).status).toBe(404);
    });

    it('lists the caller\u2019s own jobs; administrators list the organisation\u2019s', async () => {
      const ids = async (who: UserData) => ((await h.call(who, 'GET', '/api/v1/imports?pageSize=200')).body.items as { id: string; createdBy: string; tenantId: string }[]);
      const mine = await ids(rep1);
      expect(mine.map((j) => j.id)).toContain(jobId);
      expect(mine.every((j) => j.createdBy === rep1.id)).toBe(true);
      expect((await ids(rep2)).map((j) => j.id)).not.toContain(jobId);
      const all = await ids(admin);
      expect(all.map((j) => j.id)).toContain(jobId);
      expect(new Set(all.map((j) => j.createdBy)).size).toBeGreaterThan(1);
      expect((await ids(adminB)).some((j) => j.tenantId !== h.tenantB)).toBe(false);
    });

    it('keeps organisations apart: the same file in another organisation is a new job of its own', async () => {
      const other = await upload(adminB, 'lead', file, 'visibility.csv');
      expect(other.status).toBe(202);
      expect(other.body.id).not.toBe(jobId);
      expect(await finished(adminB, other.body.id)).toMatchObject({ status: 'completed', succeeded: 1, tenantId: h.tenantB });
      expect(await leadCount(h.tenantB, "company = 'Visibility Co'")).toBe(1);
      expect(await leadCount(h.tenantA, "company = 'Visibility Co'")).toBe(1);
    });
  });
});
