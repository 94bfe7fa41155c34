/**
 * The scripted fake OpenAI Responses API (test/support/fakeModel.ts) in a process of its own, so that
 * producing thousands of deltas never shares an event loop with the bridge or the measuring client.
 */
import { startFakeModel, type FakeReply } from '../../../test/support/fakeModel';
import { serveHost } from '../ipc';

export interface FakeModelHostInfo {
  url: string;
}

export type FakeModelHostCommands = {
  setDefault: { arg: FakeReply; result: null };
  requestCount: { arg: null; result: number };
};

serveHost<FakeModelHostCommands>(async () => {
  const fake = await startFakeModel();
  const info: FakeModelHostInfo = { url: fake.url };
  return {
    info,
    handlers: {
      setDefault: async (reply) => {
        fake.setDefault(reply);
        return null;
      },
      requestCount: async () => fake.requests.length,
    },
    onStop: () => fake.close(),
  };
});
