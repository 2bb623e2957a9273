-- What a report needs of a person (age, sex, municipality), beside the id, so the annual
-- report's join of the period's users to `person` reads a narrow index, not the rows
-- (PostgreSQL's twin uses INCLUDE, which SQLite has not).
CREATE INDEX person_facts ON person(id, birth_date, sex, municipality_id);
