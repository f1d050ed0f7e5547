-- What each call cost, as its report says (the calls list shows it, in
-- its platform's currency). Calls stored before have none until their
-- report comes again.
ALTER TABLE calls ADD COLUMN cost REAL;
