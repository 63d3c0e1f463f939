import { describeScenario } from '../lib/scenario';
import { postgresOutages } from '../lib/outages';

const OUTAGE_MS = Number(process.env.FAULTS_PG_OUTAGE_MS ?? 30_000);

describeScenario(
  {
    title: 'PostgreSQL stopped for 30 seconds and started again',
    claim: 'answers 503 with a clear problem meanwhile, activities retry, nothing acknowledged is lost',
    name: 'postgres-outage',
    tag: 'PG',
  },
  (run) => postgresOutages(run, 'PostgreSQL stopped 30 s', { outageMs: OUTAGE_MS, settleMs: 30_000, workerSlots: [0] }),
);
