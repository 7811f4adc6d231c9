import { availableBackends, type BackendName } from '../backend/select.js';

/**
 * Backends to parameterise tests over. GENFEED_REQUIRE_NATIVE=1 (CI after
 * installing OpenBLAS) makes a missing addon a failure instead of a skip.
 */
export function testBackends(): BackendName[] {
  const names = availableBackends();
  if (process.env.GENFEED_REQUIRE_NATIVE === '1' && !names.includes('native')) {
    throw new Error('GENFEED_REQUIRE_NATIVE=1 but the native addon is not available');
  }
  return names;
}
