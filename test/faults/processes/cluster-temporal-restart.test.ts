import { describeScenario } from '../lib/scenario';
import { temporalRestarts } from '../lib/outages';

describeScenario(
  {
    title: 'on the cluster profile, the Temporal server killed with SIGKILL and restarted on its PostgreSQL databases',
    claim: 'answers 503 while it is away, the two workers wait for it, nothing acknowledged is lost or stuck',
    name: 'cluster-temporal-restart',
    tag: 'CTR',
    options: { temporal: 'cluster', workers: 2 },
  },
  (run) => temporalRestarts(run, 'cluster: Temporal server SIGKILL + restart', { serverName: 'Temporal server', workerSlots: [0, 1] }),
);
