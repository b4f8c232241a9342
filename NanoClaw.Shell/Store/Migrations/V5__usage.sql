-- Usage accounting (issue 19): one row per container run, one per agent turn with what Claude Code reported.
-- Not NanoClaw's `token_usage` (a later TypeScript table, left alone if present): different names, no clash.
CREATE TABLE IF NOT EXISTS container_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  container_name TEXT NOT NULL UNIQUE,
  group_folder TEXT NOT NULL,
  chat_jid TEXT NOT NULL,
  task_id TEXT,
  started_at TEXT NOT NULL,
  duration_ms INTEGER,
  outcome TEXT NOT NULL DEFAULT 'running',
  error TEXT
);
CREATE INDEX IF NOT EXISTS idx_container_runs_started ON container_runs(started_at);
CREATE INDEX IF NOT EXISTS idx_container_runs_group ON container_runs(group_folder, started_at);

CREATE TABLE IF NOT EXISTS container_turns (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES container_runs(id) ON DELETE CASCADE,
  ended_at TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_creation_input_tokens INTEGER NOT NULL,
  cache_read_input_tokens INTEGER NOT NULL,
  cost_usd TEXT NOT NULL,
  num_turns INTEGER NOT NULL,
  duration_api_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_container_turns_run ON container_turns(run_id);
CREATE INDEX IF NOT EXISTS idx_container_turns_ended ON container_turns(ended_at);
