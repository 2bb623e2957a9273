-- Restricted persons are few (about one in two hundred): an index of them lets a list of
-- case files leave out the restricted ones by a small set, without reading the person row
-- of every file it counts or sorts.
CREATE INDEX person_restricted ON person(id) WHERE restricted = TRUE;
