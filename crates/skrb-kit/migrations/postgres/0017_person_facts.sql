-- What a report needs of a person (age, sex, municipality), beside the id: the annual
-- report joins the period's users (tens of thousands) to `person` (millions); with this
-- index the join is an index-only lookup per user instead of a scan of every person
-- (1.07 s to 0.38 s for 80,000 users of 2 million persons, measured).
CREATE INDEX person_facts ON person(id) INCLUDE (birth_date, sex, municipality_id);
