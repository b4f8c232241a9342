-- Tokens the credential proxy read from each Messages API answer (issue 19): counted on the host, so an agent cannot
-- forge them. One row per answer, keyed by the run's container name (container_runs.container_name), so a count
-- never waits for or races with the run's own row, and survives a daemon that dies mid-run.
CREATE TABLE IF NOT EXISTS proxy_calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  container_name TEXT NOT NULL,
  ended_at TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_creation_input_tokens INTEGER NOT NULL,
  cache_read_input_tokens INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_proxy_calls_container ON proxy_calls(container_name);
CREATE INDEX IF NOT EXISTS idx_proxy_calls_ended ON proxy_calls(ended_at);
