import { sql, type Kysely } from 'kysely';

/**
 * The database links the chain itself: a new audit row must name as `prev_hash` the hash of its
 * task's event `seq - 1` (the genesis hash for event 1), so no row can be appended out of order or
 * linked to the wrong predecessor — neither by a worker whose remembered chain head is stale nor
 * by hand. The activity recognizes the refusal by its constraint name, `audit_events_chain`.
 *
 * The predecessor is read with a fresh snapshot (plpgsql, READ COMMITTED), so an event committed
 * by another transaction just before counts. Rows already in the table are not re-checked:
 * verifyAuditChain does that.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION audit_events_linked() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      predecessor text;
    BEGIN
      IF NEW.seq = 1 THEN
        predecessor := repeat('0', 64);
      ELSIF NEW.seq > 1 THEN
        SELECT hash INTO predecessor FROM audit_events WHERE task_id = NEW.task_id AND seq = NEW.seq - 1;
      END IF;
      IF predecessor IS NULL THEN
        RAISE EXCEPTION 'nhật ký nhiệm vụ %: sự kiện số % chưa có sự kiện liền trước', NEW.task_id, NEW.seq
          USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'audit_events_chain', TABLE = 'audit_events';
      END IF;
      IF NEW.prev_hash IS DISTINCT FROM predecessor THEN
        RAISE EXCEPTION 'nhật ký nhiệm vụ %: sự kiện số % không nối với mã băm của sự kiện liền trước', NEW.task_id, NEW.seq
          USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = 'audit_events_chain', TABLE = 'audit_events';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_linked()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER audit_events_chain ON audit_events`.execute(db);
  await sql`DROP FUNCTION audit_events_linked`.execute(db);
}
