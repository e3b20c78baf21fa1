/**
 * What both Spin adapters (bare-metal `spin up`, SpinKube) report: only client-side timings.
 * Spin exposes no activation records, cold flag or instance lifecycle, and has no keep-alive
 * or routing setting to honour (it instantiates per request; docs/design/platform-facts.md "Spin").
 */
import type { PlatformCapabilities } from '../../core/platform.js';

export const SPIN_CAPABILITIES: Readonly<PlatformCapabilities> = Object.freeze({
  coldFlag: false,
  executorSpans: false,
  platformTimes: false,
  keepAlive: false,
  routing: false,
  forceCold: false,
});
