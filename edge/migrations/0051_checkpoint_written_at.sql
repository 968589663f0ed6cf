-- Row economy of the notifier's checkpoint (issue 18's bench: 1.6 rows per request when it was written on
-- every run). The notifier now writes it only when it has moved far enough or long enough past the stored
-- one (edge/src/notifications/checkpoint.ts), and needs to know when that one was written: `written_at`.
-- Rows from before have none, which reads as "long ago": the next run that moves it writes it.
ALTER TABLE notifier_checkpoint ADD COLUMN written_at TEXT;
