-- An order routing gave up on may come back: an operator released it in intake's exception
-- queue (after stock arrived, or with a corrected address). It is planned again with attempt
-- numbers after its last one, and a fresh budget of re-plans counted from `first_attempt`.
ALTER TABLE orders ADD COLUMN first_attempt int NOT NULL DEFAULT 1;
