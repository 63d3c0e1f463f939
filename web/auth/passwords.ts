import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';

// scrypt with N = 2^15, r = 8, p = 1 (OWASP's minimum is N = 2^17 with p = 1 for equal memory; 2^15
// costs about 32 MiB and 60-100 ms here, which keeps a burst of sign-ins from starving the API on 2 cores).
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const ENCODED = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }, keyBytes: number): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** The encoded scrypt hash of a password with a fresh random salt: `scrypt$N$r$p$salt$key` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, PARAMS, KEY_BYTES);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether the password matches the encoded hash; a hash in another format never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const m = ENCODED.exec(encoded);
  if (!m) return false;
  const expected = Buffer.from(m[5], 'base64url');
  const key = await derive(
    password,
    Buffer.from(m[4], 'base64url'),
    { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) },
    expected.length,
  );
  return timingSafeEqual(key, expected);
}

// A hash of nothing anyone can type: checked against when the login is unknown, so that an unknown
// login costs the same time as a wrong password and does not reveal which logins exist.
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(32).toString('hex'));
  return decoy;
}

// Without 0/O, 1/l/I: read aloud over the phone or copied from paper without mistakes.
const ONE_TIME_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time password: 4 groups of 4 characters (about 91 bits), e.g. `k7Pq-xM3a-...`. */
export function generateOneTimePassword(): string {
  const groups = Array.from({ length: 4 }, () =>
    Array.from({ length: 4 }, () => ONE_TIME_ALPHABET[randomInt(ONE_TIME_ALPHABET.length)]).join(''),
  );
  return groups.join('-');
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** A password a person chooses (the form and `user:password` both use it). */
export const newPasswordSchema = z
  .string({ error: 'Hãy nhập mật khẩu mới' })
  .min(PASSWORD_MIN_LENGTH, `Mật khẩu phải có ít nhất ${PASSWORD_MIN_LENGTH} ký tự`)
  .max(PASSWORD_MAX_LENGTH, `Mật khẩu không được dài quá ${PASSWORD_MAX_LENGTH} ký tự`)
  .refine((p) => p.trim() === p, 'Mật khẩu không được bắt đầu hoặc kết thúc bằng dấu cách')
  .refine((p) => new Set(p).size >= 4, 'Mật khẩu quá đơn giản: hãy dùng nhiều ký tự khác nhau hơn');
