-- Row economy of the inbox (issue 18's bench: D1 bills every index entry as a written row). The partial
-- unread index cost a row when a notification was written and another when it was read: a third of the
-- inbox's writes. The unread count and the unread view now read a person's newest notifications through
-- the table's own key (tenant, recipient, time, id) and look at `read_at` there; `inbox.ts` bounds that
-- read to the newest INBOX_WINDOW rows, so it costs the same however old the inbox is.
DROP INDEX notifications_unread;
