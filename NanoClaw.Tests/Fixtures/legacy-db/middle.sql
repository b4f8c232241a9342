-- NanoClaw after state moved into SQLite and bot messages got a flag, before is_main, reply context and task scripts.
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
  context_mode TEXT DEFAULT 'isolated'
);
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
CREATE TABLE router_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sessions (group_folder TEXT PRIMARY KEY, session_id TEXT NOT NULL);
CREATE TABLE registered_groups (
  jid TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  folder TEXT NOT NULL UNIQUE,
  trigger_pattern TEXT NOT NULL,
  added_at TEXT NOT NULL,
  container_config TEXT
);

INSERT INTO chats VALUES ('15551234567@s.whatsapp.net', 'Me', '2025-06-01T09:00:00.000Z', 'whatsapp', 0);
INSERT INTO chats VALUES ('120363001@g.us', 'Family', '2025-06-01T10:00:00.000Z', 'whatsapp', 1);
INSERT INTO messages VALUES ('a1', '120363001@g.us', 'x@s.whatsapp.net', 'Alice', 'hello', '2025-06-01T10:00:00.000Z', 0, 0);
INSERT INTO messages VALUES ('a2', '120363001@g.us', 'me@s.whatsapp.net', 'Me', 'Andy: hi', '2025-06-01T10:00:01.000Z', 1, 1);
INSERT INTO scheduled_tasks VALUES ('t1', 'main', '15551234567@s.whatsapp.net', 'p', 'interval', '3600000', '2025-06-01T11:00:00.000Z', NULL, NULL, 'paused', '2025-06-01T09:00:00.000Z', 'group');
INSERT INTO router_state VALUES ('last_timestamp', '2025-06-01T10:00:01.000Z');
INSERT INTO router_state VALUES ('last_agent_timestamp', '{"120363001@g.us":"2025-06-01T10:00:00.000Z"}');
INSERT INTO sessions VALUES ('main', 'sess-main');
INSERT INTO registered_groups VALUES ('15551234567@s.whatsapp.net', 'Me', 'main', '@Andy', '2025-05-01T00:00:00.000Z', NULL);
INSERT INTO registered_groups VALUES ('120363001@g.us', 'Family', 'family', '@Andy', '2025-05-02T00:00:00.000Z', '{"additionalMounts":[{"hostPath":"~/recipes","readonly":true}],"timeout":600000}');
