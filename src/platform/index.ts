// The platform assembled from its parts (docs/architecture.md): `genfeed demo`, the
// HTTP traffic driver of simulated users, training from a store's event log and
// `genfeed train --watch`. It sits above serve and web, so it mounts both.
export {
  type AbSummary,
  AbTally,
  formatAbSummary,
  type PipelineSummary,
} from './ab-summary.js';
export {
  type DriverEvent,
  type DriverFeed,
  type FeedApi,
  HttpStatusError,
  httpFeedApi,
  parseFeed,
} from './feed-api.js';
export {
  importPlaygroundData,
  type PlaygroundData,
  type PlaygroundDataOptions,
  simulatePlaygroundData,
} from './playground-data.js';
export {
  type DemoOptions,
  type DemoPlatform,
  type DemoResult,
  type DemoUrls,
  prepareDemoPlatform,
  runDemo,
} from './run-demo.js';
export {
  type SimulationStateMessage,
  simulationStateFromMessage,
  simulationStateMessage,
} from './simulation-state-message.js';
export { type SimulatorAudienceOptions, simulatorAudience } from './simulator-audience.js';
export { ThreadedTrafficDriver, type ThreadedTrafficDriverOptions } from './threaded-traffic-driver.js';
export { type DriveOptions, TrafficDriver, type TrafficDriverOptions } from './traffic-driver.js';
export {
  demoGenerativeParams,
  fitAndSaveCascade,
  fitGenerative,
  fitReward,
  type HeldOut,
  heldOutRecall,
  holdOutTail,
  saveGenerative,
  type TrainContext,
  type TrainedGenerative,
} from './train-models.js';
export {
  type GateDecision,
  type GateInput,
  gateDecision,
  type Publisher,
  type RegistryTarget,
  type RetrainOptions,
  type RetrainReport,
  registryTarget,
  retrainOnce,
  type WatchOptions,
  watchAndRetrain,
} from './train-watch.js';
export {
  catalogueItems,
  impressionLogOf,
  itemSideOfLog,
  type ReadTrainingLogOptions,
  readTrainingLog,
  type TrainingLog,
} from './training-log.js';
