-- NanoClaw's idx_timestamp (V1) served its poll, which read every chat's new rows through it. Here the poll and a
-- chat's batch seek idx_messages_chat_timestamp (V2) chat by chat, so idx_timestamp was read by one guard only and
-- written by every stored message: one more b-tree page per commit (issue 16, the store row). Dropped; the guard is
-- gone with it (Store/README.md, "Storing a message").
DROP INDEX IF EXISTS idx_timestamp;
