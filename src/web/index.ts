export type { DashboardOptions } from './dashboard-options.js';
export { type EventScan, scanEvents } from './event-scan.js';
export { mountDashboard } from './mount-dashboard.js';
export { authorizeWithApiKeys, pipelinesOf } from './serve-wiring.js';
export {
  type DashboardSession,
  MemorySessionStore,
  type SessionStore,
  storeSessions,
} from './session-store.js';
