-- Each interviewer's scorecards by due time, with whether each is in. A member's home page
-- lists their upcoming interviews and the cards they owe; a panel seat always has its card
-- (made with the seat, moved with a reschedule, dropped with a cancel while unsubmitted), so
-- these are found by a range of this index instead of a walk over every seat they ever held.
CREATE INDEX scorecards_by_interviewer ON scorecards(interviewer_id, due_ms, submitted_ms);
