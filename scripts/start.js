// Production start: the compiled service, built first when dist/ is missing or older than the sources.
// Runs in this process (no tsx, no shell in between), so SIGTERM from npm, systemd or Docker reaches it.
const { buildIfStale } = require('./buildIfStale');

require(buildIfStale());
