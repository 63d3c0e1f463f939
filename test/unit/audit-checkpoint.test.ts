import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkpointSignatureProblem,
  checkpointTask,
  compareWithSigned,
  generateCheckpointKeys,
  leafHash,
  merkleRoot,
  parseCheckpoint,
  readKey,
  signCheckpoint,
} from '../../db/audit-checkpoint';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const chain = (task: string, n: number) => Array.from({ length: n }, (_, i) => sha(`${task}#${i + 1}`));
const keys = generateCheckpointKeys();
const privateKey = readKey(keys.privateKeyPem, 'private');
const publicKey = readKey(keys.publicKeyPem, 'public');
const SIGNED_AT = new Date('2025-11-20T10:00:00+07:00');

describe('the Merkle root over the tasks’ heads', () => {
  it('commits to every leaf and to their order, and carries an odd leaf up', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(sha);
    const node = (l: string, r: string) => createHash('sha256').update('node\n').update(l).update(r).digest('hex');
    expect(merkleRoot([a])).toBe(a);
    expect(merkleRoot([a, b])).toBe(node(a, b));
    expect(merkleRoot([a, b, c])).toBe(node(node(a, b), c));
    expect(merkleRoot([b, a])).not.toBe(merkleRoot([a, b]));
    expect(merkleRoot([])).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives a task a leaf that changes with its head or its length', () => {
    const task = checkpointTask('task-17-tb.2-4', chain('x', 3));
    expect(leafHash({ ...task, seq: 2 })).not.toBe(leafHash(task));
    expect(leafHash({ ...task, head: sha('other') })).not.toBe(leafHash(task));
  });
});

describe('a signed checkpoint', () => {
  const tasks = [checkpointTask('task-b', chain('b', 4)), checkpointTask('task-a', chain('a', 2))];
  const doc = signCheckpoint(tasks, privateKey, SIGNED_AT);

  it('lists the tasks in id order under the root and verifies with the committee’s public key', () => {
    expect(doc.tasks.map((t) => t.id)).toEqual(['task-a', 'task-b']);
    expect(doc).toMatchObject({ keyId: keys.keyId, signedAt: '2025-11-20T10:00:00+07:00' });
    expect(checkpointSignatureProblem(doc, publicKey)).toBeNull();
    expect(parseCheckpoint(JSON.stringify(doc))).toEqual(doc);
  });

  it('is refused when a head, the root or the time was changed, or another key is offered', () => {
    const forged = { ...doc, tasks: [doc.tasks[0], checkpointTask('task-b', chain('b', 3))] };
    expect(checkpointSignatureProblem(forged, publicKey)).toMatch(/gốc Merkle không khớp/);
    const reRooted = { ...forged, root: merkleRoot(forged.tasks.map(leafHash)) };
    expect(checkpointSignatureProblem(reRooted, publicKey)).toBe('chữ ký không hợp lệ');
    expect(checkpointSignatureProblem({ ...doc, signedAt: new Date().toISOString() }, publicKey)).toBe('chữ ký không hợp lệ');
    const other = readKey(generateCheckpointKeys().publicKeyPem, 'public');
    expect(checkpointSignatureProblem(doc, other)).toMatch(/không phải khóa công khai đã cho/);
  });

  it('names the bad field of a damaged file', () => {
    expect(() => parseCheckpoint('{')).toThrow('tệp điểm kiểm tra không phải JSON');
    expect(() => parseCheckpoint(JSON.stringify({ ...doc, root: 'abc' }))).toThrow(/root: cần 64 chữ số hex/);
    const badTrail = { ...doc, tasks: [{ ...doc.tasks[0], trail: doc.tasks[0].trail.slice(16) }, doc.tasks[1]] };
    expect(() => parseCheckpoint(JSON.stringify(badTrail))).toThrow(/tasks\.0: trail không khớp/);
  });

  it('names its key by the first 16 hex digits of SHA-256 over the public key’s SPKI encoding', () => {
    const der = publicKey.export({ type: 'spki', format: 'der' });
    expect(keys.keyId).toBe(createHash('sha256').update(der).digest('hex').slice(0, 16));
  });

  it('refuses a key that is not Ed25519', () => {
    expect(() => readKey('not a key', 'public')).toThrow();
  });
});

describe('a stored chain against the signed one', () => {
  const signed = checkpointTask('task-a', chain('a', 5));

  it('is fine when it is the signed chain or extends it', () => {
    expect(compareWithSigned(signed, chain('a', 5))).toBeNull();
    expect(compareWithSigned(signed, [...chain('a', 5), sha('next')])).toBeNull();
  });

  it('names the first rewritten event, even when every later hash was recomputed', () => {
    const rewritten = [...chain('a', 2), ...chain('forged', 3)];
    expect(compareWithSigned(signed, rewritten)).toEqual({
      taskId: 'task-a',
      seq: 3,
      kind: 'rewritten',
      reason: 'sự kiện số 3 đã bị viết lại sau khi được ký (mã băm khác bản đã ký)',
    });
  });

  it('names where a cut-off tail begins', () => {
    expect(compareWithSigned(signed, chain('a', 3))).toEqual({
      taskId: 'task-a',
      seq: 4,
      kind: 'truncated',
      reason: 'thiếu sự kiện số 4 đến 5 đã được ký (bị cắt ở cuối chuỗi)',
    });
    expect(compareWithSigned(signed, [])).toMatchObject({ seq: 1, kind: 'truncated' });
  });
});
