-- Files in the durable outbox (send_file): the row's text is the caption (may be empty); file_path is the host-owned
-- copy taken when the request was accepted (data/outbox-files/), so the agent cannot change what is sent.
ALTER TABLE outbox ADD COLUMN file_path TEXT;
ALTER TABLE outbox ADD COLUMN file_mime TEXT;
ALTER TABLE outbox ADD COLUMN file_kind TEXT;
ALTER TABLE outbox ADD COLUMN file_name TEXT;
