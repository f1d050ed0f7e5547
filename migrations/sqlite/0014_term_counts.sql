-- How many events hold each indexed term: the calls list asks it to pick
-- how to search a word (a word in most calls is checked call by call, down
-- the list; a rare one is looked up once).
CREATE VIRTUAL TABLE event_text_terms USING fts5vocab(event_text, 'row');
