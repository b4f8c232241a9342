-- NanoClaw's final schema stage: every column this edition uses, plus a later table it does not know.
CREATE TABLE chats (
  jid TEXT PRIMARY KEY,
  name TEXT,
  last_message_time TEXT,
  channel TEXT,
  is_group INTEGER DEFAULT 0
);
CREATE TABLE messages (
  id TEXT,
  chat_jid TEXT,
  sender TEXT,
  sender_name TEXT,
  content TEXT,
  timestamp TEXT,
  is_from_me INTEGER,
  is_bot_message INTEGER DEFAULT 0,
  reply_to_message_id TEXT,
  reply_to_message_content TEXT,
  reply_to_sender_name TEXT,
  PRIMARY KEY (id, chat_jid),
  FOREIGN KEY (chat_jid) REFERENCES chats(jid)
);
CREATE INDEX idx_timestamp ON messages(timestamp);
CREATE TABLE scheduled_tasks (
  id TEXT PRIMARY KEY,
  group_folder TEXT NOT NULL,
  chat_jid TEXT NOT NULL,
  prompt TEXT NOT NULL,
  schedule_type TEXT NOT NULL,
  schedule_value TEXT NOT NULL,
  next_run TEXT,
  last_run TEXT,
  last_result TEXT,
  status TEXT DEFAULT 'active',
  created_at TEXT NOT NULL,
  context_mode TEXT DEFAULT 'isolated',
  script TEXT
);
CREATE INDEX idx_next_run ON scheduled_tasks(next_run);
CREATE INDEX idx_status ON scheduled_tasks(status);
CREATE TABLE task_run_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL,
  run_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  result TEXT,
  error TEXT,
  FOREIGN KEY (task_id) REFERENCES scheduled_tasks(id)
);
CREATE INDEX idx_task_run_logs ON task_run_logs(task_id, run_at);
CREATE TABLE router_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sessions (group_folder TEXT PRIMARY KEY, session_id TEXT NOT NULL);
CREATE TABLE registered_groups (
  jid TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  folder TEXT NOT NULL UNIQUE,
  trigger_pattern TEXT NOT NULL,
  added_at TEXT NOT NULL,
  container_config TEXT,
  requires_trigger INTEGER DEFAULT 1,
  is_main INTEGER DEFAULT 0
);
CREATE TABLE token_usage (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_folder TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0
);

INSERT INTO chats VALUES ('15551234567@s.whatsapp.net', 'Me', '2026-01-31T14:32:00.000Z', 'whatsapp', 0);
INSERT INTO chats VALUES ('120363001@g.us', 'Family', '2026-01-31T14:30:00.000Z', 'whatsapp', 1);
INSERT INTO chats VALUES ('__group_sync__', '__group_sync__', '2026-01-31T08:00:00.000Z', NULL, 0);
INSERT INTO messages VALUES ('n1', '120363001@g.us', 'a@s.whatsapp.net', 'Alice', '@Andy plan the trip', '2026-01-31T14:30:00.000Z', 0, 0, NULL, NULL, NULL);
INSERT INTO messages VALUES ('n2', '120363001@g.us', 'b@s.whatsapp.net', 'Bob', 'yes please', '2026-01-31T14:31:00.000Z', 0, 0, 'n1', '@Andy plan the trip', 'Alice');
INSERT INTO messages VALUES ('n3', '120363001@g.us', 'me@s.whatsapp.net', 'Andy', 'Andy: On it.', '2026-01-31T14:31:30.000Z', 1, 1, NULL, NULL, NULL);
INSERT INTO messages VALUES ('n4', '15551234567@s.whatsapp.net', 'me@s.whatsapp.net', 'Me', 'status?', '2026-01-31T14:32:00.000Z', 1, 0, NULL, NULL, NULL);
INSERT INTO scheduled_tasks VALUES ('t-new', 'family', '120363001@g.us', 'Weekly plan', 'cron', '0 18 * * 0', '2026-02-01T23:00:00.000Z', NULL, NULL, 'active', '2026-01-30T10:00:00.000Z', 'group', 'echo ok');
INSERT INTO task_run_logs (task_id, run_at, duration_ms, status, result, error) VALUES ('t-new', '2026-01-25T23:00:00.000Z', 42000, 'success', 'Plan sent', NULL);
INSERT INTO router_state VALUES ('last_timestamp', '2026-01-31T14:32:00.000Z');
INSERT INTO router_state VALUES ('last_agent_timestamp', '{"120363001@g.us":"2026-01-31T14:31:00.000Z","15551234567@s.whatsapp.net":"2026-01-31T14:32:00.000Z"}');
INSERT INTO sessions VALUES ('main', 'sess-1');
INSERT INTO sessions VALUES ('family', 'sess-2');
INSERT INTO registered_groups VALUES ('15551234567@s.whatsapp.net', 'Me', 'main', '@Andy', '2025-12-01T00:00:00.000Z', NULL, 0, 1);
INSERT INTO registered_groups VALUES ('120363001@g.us', 'Family', 'family', '@Andy', '2025-12-02T00:00:00.000Z', '{"additionalMounts":[{"hostPath":"~/trips","containerPath":"trips","readonly":false}]}', 1, 0);
INSERT INTO registered_groups VALUES ('120363666@g.us', 'Broken', '../escape', '@Andy', '2025-12-03T00:00:00.000Z', NULL, 1, 0);
INSERT INTO token_usage (group_folder, timestamp, input_tokens, output_tokens) VALUES ('family', '2026-01-31T14:31:30.000Z', 1200, 80);
