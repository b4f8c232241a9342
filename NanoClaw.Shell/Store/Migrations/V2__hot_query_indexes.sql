-- Indexes for the queries the daemon runs on every message and tick (NanoClaw had none of these).

-- A chat's batch after its agent cursor, and new messages across registered chats.
CREATE INDEX IF NOT EXISTS idx_messages_chat_timestamp ON messages(chat_jid, timestamp);

-- Due tasks: status = 'active' AND next_run <= now.
CREATE INDEX IF NOT EXISTS idx_scheduled_tasks_status_next_run ON scheduled_tasks(status, next_run);

-- Tasks of one group (list_tasks from a non-main group).
CREATE INDEX IF NOT EXISTS idx_scheduled_tasks_group_folder ON scheduled_tasks(group_folder);

-- Chat list ordered by activity.
CREATE INDEX IF NOT EXISTS idx_chats_last_message_time ON chats(last_message_time);
