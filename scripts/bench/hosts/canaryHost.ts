/**
 * A Node process that does nothing but measure its own event-loop delay. Run beside the bridge, it
 * shows how late timers fire on this machine under the same load for reasons that are not the
 * bridge's (two cores shared with 50 codex processes): the noise floor of the stall measurement.
 */
import { serveHost } from '../ipc';
import { LoopMonitor, type LoopDelayStats } from '../loopMonitor';

export type CanaryHostCommands = {
  loopStart: { arg: { resolutionMs: number }; result: null };
  loopStop: { arg: null; result: LoopDelayStats };
};

serveHost<CanaryHostCommands>(async () => {
  const monitor = new LoopMonitor();
  return {
    info: null,
    handlers: {
      loopStart: async ({ resolutionMs }) => {
        monitor.start(resolutionMs);
        return null;
      },
      loopStop: async () => monitor.stop(),
    },
    onStop: async () => undefined,
  };
});
