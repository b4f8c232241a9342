-- A message the channel saw address the assistant besides the trigger word (Telegram: a mention of the bot's
-- @username, or a reply to one of the bot's messages). Stored so recovery after a restart wakes groups the same way.
ALTER TABLE messages ADD COLUMN addresses_assistant INTEGER NOT NULL DEFAULT 0;
