/**
 * What the workload asked for and what the system answered. Every operation carries a nonce that
 * lands in its audit row's payload (a note, a reason, a summary, the directive number) or, for an
 * evidence file, the file's SHA-256: the invariants find each operation's row by it.
 */
export type Outcome =
  /** Answered 2xx: the system promised it happened. */
  | 'acknowledged'
  /** Answered 4xx (not "in progress"): the system promised it did not happen. */
  | 'refused'
  /** Never answered definitively within the client's patience: it may or may not have happened. */
  | 'unknown';

export interface Operation {
  seq: number;
  op: string;
  taskId: string;
  /** The audit kinds the operation may write when applied (extension decisions write one of two). */
  auditKinds: string[];
  /** Found in the audit row's payload text (a nonce, or the evidence's SHA-256). */
  marker: string;
  actor: string;
  idempotencyKey: string;
  outcome: Outcome;
  status: number | null;
  attempts: number;
  /** Statuses of the answers before the final one (503s, 409 in progress, network errors as 0). */
  retried: number[];
  ms: number;
}

export interface AnswerProblem {
  op: string;
  status: number;
  detail: string;
}

export class Ledger {
  readonly operations: Operation[] = [];
  /** Answers an outage must never produce: a 500, a 5xx without a problem document, a hang. */
  readonly badAnswers: AnswerProblem[] = [];
  /** 503 answers seen, by problem title (checked to be Vietnamese problem documents). */
  unavailable = 0;
  private nextSeq = 1;

  add(o: Omit<Operation, 'seq'>): Operation {
    const op = { ...o, seq: this.nextSeq++ };
    this.operations.push(op);
    return op;
  }

  get acknowledged(): Operation[] {
    return this.operations.filter((o) => o.outcome === 'acknowledged');
  }

  summary(): string {
    const by = (k: Outcome) => this.operations.filter((o) => o.outcome === k).length;
    const retriedOps = this.operations.filter((o) => o.retried.length > 0).length;
    return `${this.operations.length} operations: ${by('acknowledged')} acknowledged, ${by('refused')} refused (4xx), ${by('unknown')} unknown; ${retriedOps} needed retries; ${this.unavailable} answers 503`;
  }
}
