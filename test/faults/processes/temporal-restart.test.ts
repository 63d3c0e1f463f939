import { describeScenario } from '../lib/scenario';
import { temporalRestarts } from '../lib/outages';

describeScenario(
  {
    title: 'the Temporal dev server killed with SIGKILL and restarted on its persisted database',
    claim: 'answers 503 while it is away, then loses nothing acknowledged and leaves nothing stuck',
    name: 'temporal-restart',
    tag: 'TR',
  },
  (run) => temporalRestarts(run, 'Temporal dev server SIGKILL + restart', { serverName: 'dev server', workerSlots: [0] }),
);
