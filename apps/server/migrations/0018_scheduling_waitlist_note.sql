-- A note on a waitlist entry: what the front desk needs to remember when a slot comes up ("mornings
-- only", "call the daughter"). Offers taken back when their entry leaves the waitlist are 'withdrawn'.
ALTER TABLE scheduling_waitlist ADD COLUMN note text;
