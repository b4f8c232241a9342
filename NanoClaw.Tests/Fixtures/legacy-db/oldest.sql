-- NanoClaw's first SQLite schema: messages and chats, scheduled tasks. Group state lived in data/*.json.
CREATE TABLE chats (
  jid TEXT PRIMARY KEY,
  name TEXT,
  last_message_time TEXT
);
CREATE TABLE messages (
  id TEXT,
  chat_jid TEXT,
  sender TEXT,
  sender_name TEXT,
  content TEXT,
  timestamp TEXT,
  is_from_me INTEGER,
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
  created_at TEXT NOT NULL
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

INSERT INTO chats VALUES ('120363001@g.us', 'Family', '2025-02-01T10:05:00.000Z');
INSERT INTO chats VALUES ('15551234567@s.whatsapp.net', 'Me', '2025-02-01T09:00:00.000Z');
INSERT INTO chats VALUES ('tg:42', 'Elsewhere', '2025-01-01T00:00:00.000Z');
INSERT INTO chats VALUES ('__group_sync__', '__group_sync__', '2025-02-01T08:00:00.000Z');

INSERT INTO messages VALUES ('m1', '120363001@g.us', '15550001@s.whatsapp.net', 'Alice', '@Andy what is for dinner?', '2025-02-01T10:00:00.000Z', 0);
INSERT INTO messages VALUES ('m2', '120363001@g.us', '15551234567@s.whatsapp.net', 'Me', 'Andy: Pasta tonight.', '2025-02-01T10:01:00.000Z', 1);
INSERT INTO messages VALUES ('m3', '120363001@g.us', '15550002@s.whatsapp.net', 'Bob', 'andy: lower-case is a human joking', '2025-02-01T10:02:00.000Z', 0);
INSERT INTO messages VALUES ('m4', '120363001@g.us', '15550002@s.whatsapp.net', 'Bob', '', '2025-02-01T10:03:00.000Z', 0);
INSERT INTO messages VALUES ('m5', '15551234567@s.whatsapp.net', '15551234567@s.whatsapp.net', 'Me', 'Remind me tomorrow', '2025-02-01T09:00:00.000Z', 1);
INSERT INTO messages VALUES ('m6', '120363999@g.us', '15550003@s.whatsapp.net', 'Carol', 'a message whose chat row was never written', '2025-02-01T10:04:00.000Z', 0);

INSERT INTO scheduled_tasks VALUES ('task-1', 'main', '15551234567@s.whatsapp.net', 'Morning summary', 'cron', '0 9 * * *', '2025-02-02T14:00:00.000Z', '2025-02-01T14:00:00.000Z', 'Done', 'active', '2025-01-15T12:00:00.000Z');
INSERT INTO scheduled_tasks VALUES ('task-2', 'family', '120363001@g.us', 'One-off', 'once', '2025-01-20T10:00:00', NULL, '2025-01-20T15:00:00.000Z', 'Sent', 'completed', '2025-01-16T12:00:00.000Z');
INSERT INTO task_run_logs (task_id, run_at, duration_ms, status, result, error) VALUES ('task-1', '2025-02-01T14:00:00.000Z', 5300, 'success', 'Done', NULL);
INSERT INTO task_run_logs (task_id, run_at, duration_ms, status, result, error) VALUES ('task-2', '2025-01-20T15:00:00.000Z', 900, 'error', NULL, 'container timed out');
