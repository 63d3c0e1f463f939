import { describeScenario } from '../lib/scenario';
import { postgresOutages } from '../lib/outages';

const OUTAGE_MS = Number(process.env.FAULTS_PG_OUTAGE_MS ?? 20_000);

describeScenario(
  {
    title: 'on the cluster profile, PostgreSQL (Temporal persistence and ours) stopped and started again',
    claim: 'the Temporal server and both workers come back by themselves; nothing acknowledged is lost',
    name: 'cluster-postgres-restart',
    tag: 'CPG',
    options: { temporal: 'cluster', workers: 2 },
  },
  (run) => postgresOutages(run, 'cluster: PostgreSQL restarted', { outageMs: OUTAGE_MS, settleMs: 40_000, workerSlots: [0, 1] }),
);
