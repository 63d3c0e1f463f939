import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { toVnIso } from '../domain/time';
import { canonicalJson } from './audit-chain';

/*
 * Signed checkpoints of the audit trail, without the database. The database's owner can disable
 * the triggers, edit an event and recompute every later hash, and the chain then verifies; what
 * they cannot recompute is a signature made with a key the database never held. A checkpoint
 * signs every task's head (seq and hash) under a Merkle root, with an Ed25519 key whose public
 * half the inspection committee keeps; a later chain must still extend each signed head.
 */

export const CHECKPOINT_FORMAT = 'directive-engine/audit-checkpoint@1';

/** Hex digits of each event's hash kept in `trail`: enough to name the first rewritten event, not to forge one. */
export const TRAIL_DIGITS = 16;

/** One task's chain as signed. */
export interface CheckpointTask {
  id: string;
  /** The chain's length: the head event's seq, or fewer when events were already missing when signed. */
  seq: number;
  /** The head event's hash: it commits to every event before it. */
  head: string;
  /**
   * The first TRAIL_DIGITS hex digits of the hash of every event, seq 1 to `seq`, concatenated:
   * a rewritten chain first departs from it at the rewritten event, so the report can name it.
   */
  trail: string;
}

export interface CheckpointDocument {
  format: typeof CHECKPOINT_FORMAT;
  signedAt: string;
  /** keyIdOf the signing key's public half. */
  keyId: string;
  /** merkleRoot over the tasks' leaves, in task id order. */
  root: string;
  tasks: CheckpointTask[];
  /** Ed25519 over signedMessage(...), base64. */
  signature: string;
}

const sha256 = (...parts: string[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** A task's leaf; the prefixes keep a leaf from ever equalling an inner node. */
export function leafHash(task: CheckpointTask): string {
  return sha256('leaf\n', canonicalJson(task));
}

/** The Merkle root over leaves in the given order; an odd node is carried up unchanged. */
export function merkleRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return sha256('empty\n');
  let level = [...leaves];
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? sha256('node\n', level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

/** A task's checkpoint entry from its events' hashes, seq 1 to n in order. */
export function checkpointTask(id: string, hashes: readonly string[]): CheckpointTask {
  return { id, seq: hashes.length, head: hashes[hashes.length - 1], trail: hashes.map((h) => h.slice(0, TRAIL_DIGITS)).join('') };
}

/** What the key signs: the format, the key, the time and the root, which commits to every task. */
function signedMessage(d: Pick<CheckpointDocument, 'format' | 'keyId' | 'signedAt' | 'root'>): Buffer {
  return Buffer.from(`${d.format}\n${d.keyId}\n${d.signedAt}\n${d.root}`, 'utf8');
}

/** The first 16 hex digits of SHA-256 over the public key's SPKI encoding. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function generateCheckpointKeys(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** A key from its PEM text; a key of another kind is refused rather than used. */
export function readKey(pem: string, kind: 'private' | 'public'): KeyObject {
  const key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`khóa không phải Ed25519 (${key.asymmetricKeyType})`);
  return key;
}

/** Signs the given chains (any order) at `signedAt`. */
export function signCheckpoint(tasks: readonly CheckpointTask[], privateKey: KeyObject, signedAt: Date): CheckpointDocument {
  const sorted = [...tasks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const body = {
    format: CHECKPOINT_FORMAT,
    keyId: keyIdOf(createPublicKey(privateKey)),
    signedAt: toVnIso(signedAt),
    root: merkleRoot(sorted.map(leafHash)),
  } as const;
  return { ...body, tasks: sorted, signature: sign(null, signedMessage(body), privateKey).toString('base64') };
}

/**
 * Why the document is not a checkpoint signed by `publicKey`, or null when it is: the key id, the
 * root recomputed from the listed tasks, and the signature over the root.
 */
export function checkpointSignatureProblem(doc: CheckpointDocument, publicKey: KeyObject): string | null {
  if (doc.keyId !== keyIdOf(publicKey))
    return `điểm kiểm tra được ký bằng khóa ${doc.keyId}, không phải khóa công khai đã cho (${keyIdOf(publicKey)})`;
  const ids = doc.tasks.map((t) => t.id);
  if (ids.some((id, i) => i > 0 && ids[i - 1] >= id)) return 'danh sách nhiệm vụ không theo thứ tự mã hoặc có mã trùng';
  if (merkleRoot(doc.tasks.map(leafHash)) !== doc.root) return 'gốc Merkle không khớp với danh sách nhiệm vụ (tệp đã bị sửa)';
  if (!verify(null, signedMessage(doc), publicKey, Buffer.from(doc.signature, 'base64'))) return 'chữ ký không hợp lệ';
  return null;
}

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`), `cần ${n} chữ số hex`);

const documentSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  signedAt: z.iso.datetime({ offset: true }),
  keyId: hex(16),
  root: hex(64),
  tasks: z.array(
    z
      .object({
        id: z.string().min(1),
        seq: z.number().int().min(1),
        head: hex(64),
        trail: z.string().regex(/^[0-9a-f]*$/),
      })
      .refine((t) => t.trail.length === t.seq * TRAIL_DIGITS && t.trail.endsWith(t.head.slice(0, TRAIL_DIGITS)), {
        message: 'trail không khớp với seq và head',
      }),
  ),
  signature: z.base64(),
});

/** A checkpoint file's text, checked field by field; the error names the first bad field in Vietnamese. */
export function parseCheckpoint(text: string): CheckpointDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('tệp điểm kiểm tra không phải JSON');
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`tệp điểm kiểm tra không hợp lệ: ${issue.path.join('.') || '(gốc)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** A finding about one task's chain against a checkpoint. */
export interface CheckpointFinding {
  taskId: string;
  seq: number;
  kind: 'rewritten' | 'truncated';
  reason: string;
}

/**
 * Whether the stored hashes (seq 1, 2, ... in order) still extend the signed chain: the first
 * event whose hash differs from the signed one was rewritten; a chain shorter than the signed
 * one lost its tail. Events after the signed head are not judged here (verifyAuditChain does).
 */
export function compareWithSigned(task: CheckpointTask, stored: readonly string[]): CheckpointFinding | null {
  for (let seq = 1; seq <= task.seq; seq++) {
    const hash = stored[seq - 1];
    if (hash === undefined) {
      return {
        taskId: task.id,
        seq,
        kind: 'truncated',
        reason: `thiếu sự kiện số ${seq} đến ${task.seq} đã được ký (bị cắt ở cuối chuỗi)`,
      };
    }
    const signed = task.trail.slice((seq - 1) * TRAIL_DIGITS, seq * TRAIL_DIGITS);
    if (hash.slice(0, TRAIL_DIGITS) !== signed || (seq === task.seq && hash !== task.head)) {
      return {
        taskId: task.id,
        seq,
        kind: 'rewritten',
        reason: `sự kiện số ${seq} đã bị viết lại sau khi được ký (mã băm khác bản đã ký)`,
      };
    }
  }
  return null;
}
