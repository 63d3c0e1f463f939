/**
 * Seed 004 end to end, over HTTP only: Thông báo kết luận số 01-TB/CQTT (04/11/2025) of the
 * provincial Steering Committee for science, technology, innovation and digital transformation.
 *
 * Two of its items are carried from the registration of the notice to the inspector's audit:
 * - 2.3 (1): Giám đốc Sở Khoa học và Công nghệ "chủ trì thực hiện ngay việc thuê hạ tầng Data
 *   Center (DC)": no date in the text, so the secretariat sets one before launch;
 * - 2.2 (2): UBND tỉnh, with Sở Khoa học và Công nghệ (which took over telecommunications from
 *   Sở TT&TT in 2025) coordinating: "chỉ tiêu phủ sóng 5G năm 2025 đạt 62%", a measured target
 *   (>= 62 %) due at the end of 2025.
 *
 * The units are the real ones (codes of domain/units.ts, upserted); only the directive number
 * carries a per-run suffix so runs sharing a database never meet. Every request an officer of an
 * unrelated unit (Công an tỉnh) makes on these items is refused with 403, and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import type request from 'supertest';
import { taskIdFor } from '../../domain/task';
import { countRows } from '../helpers/counts';
import { useApiWorld } from '../helpers/api-world';
import { PDF, asBytes, sha256 } from '../helpers/fixtures';
import { uniq } from '../helpers/servers';

/** The DC rental contract. */
const CONTRACT_PDF = PDF;
const coverageCsv = (value: string, on: string) =>
  Buffer.from(`Địa bàn,Tỷ lệ phủ sóng 5G (%),Ngày đo\nToàn tỉnh Thái Nguyên,${value},${on}\n`, 'utf8');
const COVERAGE_NOV = coverageCsv('58.4', '30/11/2025');
const COVERAGE_DEC = coverageCsv('62.3', '31/12/2025');

const FIVE_G_DUE = '2025-12-31T23:59:59+07:00';
const TARGET_ID = 'phu-song-5g';

/** The end (23:59:59 +07) of the Vietnamese day `days` after now: the date the secretariat sets for "thực hiện ngay". */
function endOfVnDayIn(days: number): string {
  const vn = new Date(Date.now() + 7 * 3600_000 + days * 86_400_000);
  return `${vn.toISOString().slice(0, 10)}T23:59:59+07:00`;
}

describe('seed 004 (01-TB/CQTT, 04/11/2025) end to end over HTTP', () => {
  const w = useApiWorld();
  const { db, http, by } = w;

  // People, by their real units.
  for (const code of ['VP_TU', 'SKHCN', 'UBND_TINH', 'CA_TINH', 'UBKT_TU']) w.registeredUnit(code);
  const secretariat = w.person('VP_TU', ['secretariat']); // Văn phòng Tỉnh ủy, Cơ quan Thường trực Ban Chỉ đạo
  const skhcn = w.person('SKHCN', ['unit_officer']); // Sở Khoa học và Công nghệ
  const ubnd = w.person('UBND_TINH', ['unit_officer']); // Ủy ban nhân dân tỉnh
  const police = w.person('CA_TINH', ['unit_officer']); // Công an tỉnh: an officer of a unit these items do not involve
  const inspector = w.person('UBKT_TU', ['inspector']); // Ủy ban Kiểm tra Tỉnh ủy

  const auditLength = (taskId: string) => countRows(db, 'audit_events', { task_id: taskId });
  const evidenceCount = (taskId: string) => countRows(db, 'evidence', { task_id: taskId });

  /**
   * A request the officer of Công an tỉnh makes: 403 with a problem document, and the task's record
   * (audit trail, evidence) unchanged. A lifecycle command is judged before the workflow is asked: for a
   * unit that cannot see the task, the task does not exist (404).
   */
  async function refusedForPolice(taskId: string, send: (auth: string) => request.Test, hidden = false): Promise<void> {
    const before = [await auditLength(taskId), await evidenceCount(taskId)];
    const res = await send(police.auth);
    expect(res.status, `${taskId}: ${JSON.stringify(res.body)}`).toBe(hidden ? 404 : 403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject(
      hidden
        ? { type: 'not-found', status: 404, instance: expect.stringContaining(taskId) }
        : { type: 'forbidden', title: 'Không có quyền', status: 403, instance: expect.stringContaining(taskId) },
    );
    expect(res.body.detail).toEqual(expect.any(String));
    expect([await auditLength(taskId), await evidenceCount(taskId)]).toEqual(before);
  }

  const upload = (auth: string, taskId: string, bytes: Buffer, fileName: string, contentType: string, description: string) =>
    http()
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .set('authorization', auth)
      .field('description', description)
      .attach('file', bytes, { filename: fileName, contentType });

  const command = (auth: string, taskId: string, name: string, body: object) =>
    http().post(`/api/v1/tasks/${taskId}/${name}`).set('authorization', auth).send(body);

  it('registers the notice, launches 2.3 (1) and 2.2 (2), and carries them to completion with evidence and the 5G target met; the inspector audits it all', async () => {
    const number = `01-TB/CQTT-${uniq()}`;
    const dcDue = endOfVnDayIn(30);

    // ---- The secretariat registers the notice with its two items as drafts. ----
    const created = await by(secretariat)
      .post('/api/v1/directives')
      .send({
        number,
        issuedOn: '2025-11-04',
        issuer: 'Cơ quan Thường trực Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh Thái Nguyên',
        title: 'Kết luận của đồng chí Trịnh Xuân Trường, Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo tại Phiên họp thứ ba Ban Chỉ đạo',
        assignedBy: 'Đồng chí Trịnh Xuân Trường, Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
        decidedBy: 'VP_TU',
        items: [
          {
            ref: '2.2 (2)',
            title:
              'Hoàn thành triển khai hạ tầng 5G tại các Khu công nghiệp, trường đại học, bệnh viện; chỉ tiêu phủ sóng 5G năm 2025 đạt 62%',
            description:
              'Tiếp tục rà soát hạ tầng mạng viễn thông, mạng truyền số liệu chuyên dùng; bằng mọi giải pháp, ưu tiên đầu tư dứt điểm, xóa "lõm sóng" tại các thôn, xóm; hoàn thành triển khai hạ tầng 5G tại các Khu công nghiệp, trường đại học, bệnh viện (ưu tiên trường Đại học Thái Nguyên, Khu công nghiệp) và chỉ tiêu phủ sóng 5G năm 2025 đạt 62%.',
            leadUnit: 'UBND_TINH',
            coordinatingUnits: ['SKHCN'],
            responsibleOfficial: 'Chủ tịch Ủy ban nhân dân tỉnh',
            deadline: { kind: 'date', dueAt: FIVE_G_DUE },
            expectedResult: 'Hạ tầng 5G tại các Khu công nghiệp, trường đại học, bệnh viện; tỷ lệ phủ sóng 5G năm 2025 đạt 62%',
            targets: [{ id: TARGET_ID, metric: 'Tỷ lệ phủ sóng 5G năm 2025', comparator: '>=', value: 62, unit: '%', dueAt: FIVE_G_DUE }],
          },
          {
            ref: '2.3 (1)',
            title: 'Thuê hạ tầng Data Center (DC) để lưu trữ dữ liệu trên nền tảng điện toán đám mây',
            description:
              'Tham mưu, báo cáo các cấp có thẩm quyền và chủ trì thực hiện ngay việc thuê hạ tầng Data Center (DC) để lưu trữ dữ liệu trên nền tảng điện toán đám mây bảo đảm có kho dữ liệu, kết nối, đồng bộ và vận hành duy trì trên nền tảng Trung tâm dữ liệu hiện đại.',
            leadUnit: 'SKHCN',
            responsibleOfficial: 'Giám đốc Sở Khoa học và Công nghệ',
            expectedResult: 'Hạ tầng DC được thuê; dữ liệu của tỉnh được lưu trữ trên nền tảng điện toán đám mây',
          },
        ],
      })
      .expect(201);
    expect(created.body).toMatchObject({ number, issuedOn: '2025-11-04', decidedBy: 'VP_TU' });
    // "thực hiện ngay": no date in the text, so 2.3 (1) is not ready to launch until the secretariat sets one.
    expect(created.body.items.map((i: { ref: string; missing: string[] }) => [i.ref, i.missing])).toEqual([
      ['2.2 (2)', []],
      ['2.3 (1)', ['time']],
    ]);
    const directive = created.headers.location as string;

    await http()
      .patch(`${directive}/items/${encodeURIComponent('2.3 (1)')}`)
      .set('authorization', secretariat.auth)
      .send({ deadline: { kind: 'date', dueAt: dcDue } })
      .expect(200);

    // ---- Launch both. ----
    const launched = await by(secretariat).post(`${directive}/launch`).send({}).expect(200);
    // Numbers restart every year: the directive's issue year and issuer are part of its tasks' ids.
    const identity = { directiveNumber: number, directiveYear: 2025, directiveIssuer: created.body.issuer };
    const fiveG = taskIdFor(identity, '2.2 (2)');
    const dc = taskIdFor(identity, '2.3 (1)');
    expect(launched.body.results).toEqual([
      { ref: '2.2 (2)', outcome: 'launched', taskId: fiveG },
      { ref: '2.3 (1)', outcome: 'launched', taskId: dc },
    ]);

    // The read model is written by an activity: wait for both rows. An item whose deadline has already passed
    // (the 5G target was due at the end of 2025) is recorded overdue at once: wait for that too, so the trail's order is fixed.
    const fiveGOverdueAtLaunch = Date.now() > Date.parse(FIVE_G_DUE);
    const history = async (taskId: string, auth = secretariat.auth) =>
      (await http().get(`/api/v1/tasks/${taskId}/history`).set('authorization', auth)).body.events?.map((e: { kind: string }) => e.kind) ??
      [];
    await expect.poll(() => history(dc), { timeout: 15_000 }).toEqual(['launched']);
    await expect.poll(() => history(fiveG), { timeout: 15_000 }).toEqual(fiveGOverdueAtLaunch ? ['launched', 'overdue'] : ['launched']);

    const state = async (taskId: string, auth = secretariat.auth) =>
      (await http().get(`/api/v1/tasks/${taskId}`).set('authorization', auth).expect(200)).body.state;
    expect(await state(fiveG)).toMatchObject({
      status: 'assigned',
      leadUnit: 'UBND_TINH',
      coordinatingUnits: ['SKHCN'],
      dueAt: new Date(FIVE_G_DUE).toISOString(),
    });
    expect((await state(dc)).targets).toEqual([]);
    expect((await state(fiveG)).targets).toEqual([
      expect.objectContaining({ id: TARGET_ID, comparator: '>=', value: 62, unit: '%', met: false }),
    ]);

    // ---- Acknowledgement: each lead unit for its own item; the police officer for neither; a coordinating unit cannot acknowledge. ----
    await refusedForPolice(dc, (auth) => command(auth, dc, 'acknowledge', { note: 'Đã tiếp nhận' }), true);
    await refusedForPolice(fiveG, (auth) => command(auth, fiveG, 'acknowledge', { note: 'Đã tiếp nhận' }), true);
    await command(skhcn.auth, fiveG, 'acknowledge', {}).expect(403);
    expect(
      (await command(skhcn.auth, dc, 'acknowledge', { note: 'Sở Khoa học và Công nghệ đã tiếp nhận, triển khai ngay' }).expect(200)).body
        .state.status,
    ).toBe('acknowledged');
    expect(
      (
        await command(ubnd.auth, fiveG, 'acknowledge', { note: 'UBND tỉnh đã tiếp nhận, giao Sở KH&CN phối hợp theo dõi chỉ tiêu' }).expect(
          200,
        )
      ).body.state.status,
    ).toBe('acknowledged');

    // ---- 2.3 (1): the DC rental. Evidence and progress from SKHCN; the police officer may do neither. ----
    await refusedForPolice(dc, (auth) => upload(auth, dc, CONTRACT_PDF, 'hop-dong.pdf', 'application/pdf', 'không phải việc của đơn vị'));
    const contractName = 'Hợp đồng thuê hạ tầng Data Center.pdf';
    const contract = await upload(skhcn.auth, dc, CONTRACT_PDF, contractName, 'application/pdf', 'Hợp đồng thuê hạ tầng DC đã ký').expect(
      201,
    );
    expect(contract.body.evidence).toMatchObject({
      sha256: sha256(CONTRACT_PDF),
      size: CONTRACT_PDF.length,
      contentType: 'application/pdf',
      fileName: contractName,
    });
    await refusedForPolice(dc, (auth) => command(auth, dc, 'progress', { text: 'Báo cáo thay', percent: 100 }), true);
    const progressed = await command(skhcn.auth, dc, 'progress', {
      text: 'Đã ký hợp đồng thuê hạ tầng DC, đang chuyển dữ liệu lên nền tảng đám mây',
      percent: 80,
    }).expect(200);
    expect(progressed.body.state).toMatchObject({
      status: 'in_progress',
      progress: [expect.objectContaining({ by: skhcn.login, unitCode: 'SKHCN', percent: 80 })],
    });

    // ---- 2.2 (2): SKHCN (coordinating) uploads the coverage figures and records 58.4 % on 30/11/2025. ----
    await refusedForPolice(fiveG, (auth) => upload(auth, fiveG, COVERAGE_NOV, 'phu-song.csv', 'text/csv', 'không phải việc của đơn vị'));
    const novName = 'Số liệu phủ sóng 5G 30-11-2025.csv';
    const nov = await upload(
      skhcn.auth,
      fiveG,
      COVERAGE_NOV,
      novName,
      'text/csv',
      'Số liệu đo phủ sóng 5G của các doanh nghiệp viễn thông',
    ).expect(201);
    await refusedForPolice(
      fiveG,
      (auth) => command(auth, fiveG, 'measurements', { targetId: TARGET_ID, value: 99, measuredOn: '2025-11-30' }),
      true,
    );
    await refusedForPolice(fiveG, (auth) => command(auth, fiveG, 'progress', { text: 'Báo cáo thay' }), true);
    const measuredNov = await command(skhcn.auth, fiveG, 'measurements', {
      targetId: TARGET_ID,
      value: 58.4,
      measuredOn: '2025-11-30',
      evidenceIds: [nov.body.evidence.id],
      note: 'Tỷ lệ phủ sóng 5G toàn tỉnh đến 30/11/2025',
    }).expect(200);
    expect(measuredNov.body.state.targets[0]).toMatchObject({ latestValue: 58.4, met: false });
    // A coordinating unit reports, it does not claim completion: that is the lead unit's.
    await refusedForPolice(
      fiveG,
      (auth) => command(auth, fiveG, 'submit', { summary: 'Đề nghị hoàn thành thay', evidenceIds: [nov.body.evidence.id] }),
      true,
    );
    await command(skhcn.auth, fiveG, 'submit', { summary: 'Đề nghị hoàn thành', evidenceIds: [nov.body.evidence.id] }).expect(403);

    // ---- The first claim (58.4 %) is returned; the second (62.3 % on 31/12/2025) is approved, and the target is met. ----
    expect(
      (
        await command(ubnd.auth, fiveG, 'submit', {
          summary: 'Tỷ lệ phủ sóng 5G toàn tỉnh đạt 58,4%',
          evidenceIds: [nov.body.evidence.id],
        }).expect(200)
      ).body.state.status,
    ).toBe('submitted');
    const returned = await command(secretariat.auth, fiveG, 'return', {
      reason: 'Tỷ lệ phủ sóng 5G mới đạt 58,4%, chưa đạt chỉ tiêu 62%; đề nghị tiếp tục triển khai và bổ sung số liệu',
    }).expect(200);
    expect(returned.body.state).toMatchObject({ status: 'returned', lastReturnReason: expect.stringContaining('58,4%') });
    expect(returned.body.state.targets[0].met).toBe(false);

    const decName = 'Số liệu phủ sóng 5G 31-12-2025.csv';
    const dec = await upload(skhcn.auth, fiveG, COVERAGE_DEC, decName, 'text/csv', 'Số liệu phủ sóng 5G cuối năm 2025').expect(201);
    const measuredDec = await command(skhcn.auth, fiveG, 'measurements', {
      targetId: TARGET_ID,
      value: 62.3,
      measuredOn: '2025-12-31',
      evidenceIds: [dec.body.evidence.id],
      note: 'Tỷ lệ phủ sóng 5G toàn tỉnh năm 2025',
    }).expect(200);
    // Met only once the secretariat accepts the value.
    expect(measuredDec.body.state.targets[0]).toMatchObject({ latestValue: 62.3, met: false });
    await command(ubnd.auth, fiveG, 'submit', {
      summary: 'Tỷ lệ phủ sóng 5G năm 2025 đạt 62,3%, vượt chỉ tiêu 62%',
      evidenceIds: [nov.body.evidence.id, dec.body.evidence.id],
    }).expect(200);
    const approved = await command(secretariat.auth, fiveG, 'approve', { note: 'Đạt chỉ tiêu phủ sóng 5G năm 2025' }).expect(200);
    const fiveGOutcome = Date.parse(approved.body.state.submittedAt) > Date.parse(FIVE_G_DUE) ? 'completed_late' : 'completed_on_time';
    expect(approved.body.state).toMatchObject({ status: 'completed', outcome: fiveGOutcome });
    expect(approved.body.state.targets[0]).toMatchObject({ id: TARGET_ID, latestValue: 62.3, met: true, metAt: expect.any(String) });
    expect(
      approved.body.state.targets[0].measurements.map((m: { value: number; accepted: boolean; recordedBy: string }) => [
        m.value,
        m.accepted,
        m.recordedBy,
      ]),
    ).toEqual([
      [58.4, true, skhcn.login],
      [62.3, true, skhcn.login],
    ]);

    // ---- 2.3 (1) is claimed with the contract and approved on time. ----
    await refusedForPolice(
      dc,
      (auth) => command(auth, dc, 'submit', { summary: 'Đề nghị hoàn thành thay', evidenceIds: [contract.body.evidence.id] }),
      true,
    );
    await command(skhcn.auth, dc, 'submit', {
      summary: 'Đã thuê hạ tầng DC, dữ liệu được lưu trữ trên nền tảng đám mây',
      evidenceIds: [contract.body.evidence.id],
    }).expect(200);
    const dcApproved = await command(secretariat.auth, dc, 'approve', {}).expect(200);
    expect(dcApproved.body.state).toMatchObject({ status: 'completed', outcome: 'completed_on_time' });

    // ---- The inspector reads the whole history, verifies the chain, and downloads the evidence. ----
    const trail = await by(inspector).get(`/api/v1/tasks/${fiveG}/history`).expect(200);
    const events = trail.body.events as {
      seq: number;
      kind: string;
      actor: { userId?: string; unitCode?: string; system?: string };
      payload: Record<string, unknown>;
    }[];
    expect(events.map((e) => e.kind)).toEqual([
      'launched',
      ...(fiveGOverdueAtLaunch ? ['overdue'] : []),
      'acknowledged',
      'evidence_attached',
      'measurement_recorded',
      'submitted',
      'returned',
      'evidence_attached',
      'measurement_recorded',
      'submitted',
      'approved',
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // Who did what: the people behind each command, from their tokens.
    expect(events.filter((e) => e.actor.userId).map((e) => `${e.kind} ${e.actor.userId}@${e.actor.unitCode}`)).toEqual([
      `launched ${secretariat.login}@VP_TU`,
      `acknowledged ${ubnd.login}@UBND_TINH`,
      `evidence_attached ${skhcn.login}@SKHCN`,
      `measurement_recorded ${skhcn.login}@SKHCN`,
      `submitted ${ubnd.login}@UBND_TINH`,
      `returned ${secretariat.login}@VP_TU`,
      `evidence_attached ${skhcn.login}@SKHCN`,
      `measurement_recorded ${skhcn.login}@SKHCN`,
      `submitted ${ubnd.login}@UBND_TINH`,
      `approved ${secretariat.login}@VP_TU`,
    ]);
    expect(events.filter((e) => e.kind === 'measurement_recorded').map((e) => [e.payload.value, e.payload.measuredOn])).toEqual([
      [58.4, '2025-11-30'],
      [62.3, '2025-12-31'],
    ]);
    expect(events.at(-1)!.payload).toMatchObject({ outcome: fiveGOutcome, targetsMet: [TARGET_ID] });
    expect(trail.body.notifications.map((n: { kind: string }) => n.kind)).toEqual(
      expect.arrayContaining(['assigned', 'returned', 'approved']),
    );

    const dcTrail = await by(inspector).get(`/api/v1/tasks/${dc}/history`).expect(200);
    expect(dcTrail.body.events.map((e: { kind: string }) => e.kind)).toEqual([
      'launched',
      'acknowledged',
      'evidence_attached',
      'progress_reported',
      'submitted',
      'approved',
    ]);

    for (const [taskId, length] of [
      [fiveG, events.length],
      [dc, 6],
    ] as const) {
      const verdict = await by(inspector).get(`/api/v1/tasks/${taskId}/audit/verify`).expect(200);
      expect(verdict.body).toEqual({ taskId, ok: true, events: length, problem: null });
      const read = await by(inspector).get(`/api/v1/tasks/${taskId}`).expect(200);
      expect(read.body.record).toMatchObject({ status: 'completed' });
    }

    for (const [taskId, uploaded, bytes, fileName] of [
      [dc, contract, CONTRACT_PDF, contractName],
      [fiveG, nov, COVERAGE_NOV, novName],
      [fiveG, dec, COVERAGE_DEC, decName],
    ] as const) {
      const download = await by(inspector).get(uploaded.headers.location).buffer(true).parse(asBytes).expect(200);
      expect(Buffer.compare(download.body, bytes)).toBe(0);
      expect(download.headers['x-content-sha256']).toBe(sha256(bytes));
      expect(download.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(fileName)}`);
      // The hash the audit trail holds is the hash of the bytes served.
      const attached = (taskId === dc ? dcTrail.body.events : events).find(
        (e: { kind: string; payload: { evidenceId?: string } }) =>
          e.kind === 'evidence_attached' && e.payload.evidenceId === uploaded.body.evidence.id,
      );
      expect(attached.payload.sha256).toBe(sha256(bytes));

      // ---- ...and the police officer can read none of it. ----
      await refusedForPolice(taskId, (auth) => http().get(uploaded.headers.location).set('authorization', auth));
    }
    for (const taskId of [fiveG, dc]) {
      await refusedForPolice(taskId, (auth) => http().get(`/api/v1/tasks/${taskId}`).set('authorization', auth));
      await refusedForPolice(taskId, (auth) => http().get(`/api/v1/tasks/${taskId}/history`).set('authorization', auth));
      await refusedForPolice(taskId, (auth) => http().get(`/api/v1/tasks/${taskId}/audit/verify`).set('authorization', auth));
    }
    // Not in the police officer's list, nor in its unit's reports (and another unit's report is refused).
    const policeList = await http().get('/api/v1/tasks').query({ directive: number }).set('authorization', police.auth).expect(200);
    expect(policeList.body).toMatchObject({ items: [], total: 0 });
    const policeReport = await http()
      .get('/api/v1/reports/directives')
      .query({ directive: number })
      .set('authorization', police.auth)
      .expect(200);
    expect(policeReport.body.totals.total).toBe(0);
    await http().get('/api/v1/reports/units').query({ directive: number, unit: 'SKHCN' }).set('authorization', police.auth).expect(403);
    await by(police).get(directive).expect(403);

    // SKHCN sees both items (one it leads, one it coordinates); the inspector sees both completed.
    const skhcnList = await http().get('/api/v1/tasks').query({ directive: number }).set('authorization', skhcn.auth).expect(200);
    expect(skhcnList.body.items.map((t: { id: string }) => t.id).sort()).toEqual([fiveG, dc].sort());
    const inspectorList = await http().get('/api/v1/tasks').query({ directive: number }).set('authorization', inspector.auth).expect(200);
    expect(
      inspectorList.body.items.map((t: { id: string; status: string; outcome: string }) => [t.id, t.status, t.outcome]).sort(),
    ).toEqual(
      [
        [fiveG, 'completed', fiveGOutcome],
        [dc, 'completed', 'completed_on_time'],
      ].sort(),
    );
  });
});
