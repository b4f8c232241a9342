-- Files that came with a message (photos, documents, voice notes …). `path` is the file's name in the group's
-- media folder (data/media/<folder>/), NULL when it was not downloaded; `status` is 'stored' or why not
-- ('too large', 'daily limit reached', 'download failed: …'). Messages keep their rows as before.
CREATE TABLE IF NOT EXISTS attachments (
  message_id TEXT NOT NULL,
  chat_jid TEXT NOT NULL,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  path TEXT,
  status TEXT NOT NULL,
  caption TEXT,
  original_name TEXT,
  transcript TEXT,
  PRIMARY KEY (message_id, chat_jid, position)
);
