import { randomUUID } from 'node:crypto';

/** A unique suffix so tests sharing one database and one server never collide. */
export const uniq = () => randomUUID().slice(0, 8);
