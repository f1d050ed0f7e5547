-- What traced frameworks sent that calltrail does not read: span names and
-- attributes, counted since first seen, with an example (the delivery log
-- shows them, so a renamed attribute is seen the day it appears).
CREATE TABLE unmapped (
    source     TEXT   NOT NULL,
    kind       TEXT   NOT NULL CHECK (kind IN ('span', 'attribute')),
    name       TEXT   NOT NULL,
    count      BIGINT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    example    TEXT   NOT NULL,
    PRIMARY KEY (source, kind, name)
);
