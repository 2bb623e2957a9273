-- Restricted persons are few (about one in two hundred): an index of them lets a list of
-- case files leave out the restricted ones by a small set, without reading the person row
-- of every file it counts or sorts.
CREATE INDEX person_restricted ON person(id) WHERE restricted = TRUE;

-- The file list's index holds what its filters and default order read (status, opening
-- date, restriction, worker, person), so counting and choosing a page of a centre's files
-- reads the index only.
DROP INDEX case_file_list;
CREATE INDEX case_file_list ON case_file(centre_id, status, opened_on, restricted, worker_id, person_id);
