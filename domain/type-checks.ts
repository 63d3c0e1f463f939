/** `true` when A and B are the same type, `false` otherwise. */
export type SameType<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Compiles only when T is `true`: `type _ = Assert<SameType<z.output<typeof schema>, Hand>>` stops
 * the build once a hand-written type drifts from the zod schema that checks its values.
 */
export type Assert<T extends true> = T;
