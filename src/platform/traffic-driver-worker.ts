// The worker thread of `ThreadedTrafficDriver`: a `TrafficDriver` over HTTP in
// its own event loop, answering the main thread's `summary` and `stop`.
import { parentPort, workerData } from 'node:worker_threads';
import { httpFeedApi } from './feed-api.js';
import { simulationStateFromMessage } from './simulation-state-message.js';
import type { DriverWorkerData, FromDriverWorker, ToDriverWorker } from './threaded-traffic-driver.js';
import { TrafficDriver } from './traffic-driver.js';

if (parentPort === null) throw new Error('traffic-driver-worker runs only as a worker thread');
const port = parentPort;
const data = workerData as DriverWorkerData;
const { state, apiKey, control, ...options } = data.options;
const driver = new TrafficDriver(
  data.environment,
  httpFeedApi(data.baseUrl, apiKey === undefined ? {} : { apiKey }),
  {
    ...options,
    ...(state === undefined ? {} : { state: simulationStateFromMessage(data.environment, state) }),
  },
);
if (control !== undefined) driver.tally.control = control;
const post = (message: FromDriverWorker) => port.postMessage(message);
port.on('message', (message: ToDriverWorker) => {
  if (message.type === 'stop') driver.stop();
  else post({ type: 'summary', summary: driver.tally.summary() });
});
await driver.drive(data.drive);
post({ type: 'done', summary: driver.tally.summary() });
