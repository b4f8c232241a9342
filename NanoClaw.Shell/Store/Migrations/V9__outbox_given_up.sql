-- A row a channel will never deliver (Telegram: chat not found, bot blocked or kicked) is moved aside, not deleted:
-- given_up_at is set, last_error keeps the reason, and the row is no longer pending, so the chat's later rows go on.
ALTER TABLE outbox ADD COLUMN given_up_at TEXT;
