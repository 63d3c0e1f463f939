import type { ColumnType } from 'kysely';

/** timestamptz: pg returns Date; we write Date or ISO strings. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type Json<T> = ColumnType<T, string, string>;
/** A timestamptz with a database default that callers may also set (an injected clock). */
export type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
