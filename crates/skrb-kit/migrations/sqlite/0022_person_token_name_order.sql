-- A broad search lists its matches in name order from the search index. A few letters
-- typed into the live search ("kova", "ana") match more than a thousand persons of a
-- country's centre; the page showed twenty of them in name order, but the order was the
-- person's name key, which the index did not hold, so every match was read from the
-- person table and sorted ("kova" in a country's largest centre: 1,907 persons read
-- for twenty shown, 4.2 ms; from the index 1.0 ms). Each token now carries a copy of its
-- person's key, in the centre's index beside the token, so the page is ordered from
-- the index and reads only the persons it shows. Writers put the key with the token (the
-- registry's edit, the bulk rows of the demo and the import); a person renamed by any
-- other path passes the new key to their tokens here. Keep in step with
-- ../postgres/0022_person_token_name_order.sql.
ALTER TABLE person_token ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE person_token SET name_key = COALESCE((SELECT p.name_key FROM person p WHERE p.id = person_token.person_id), '');
DROP INDEX person_token_centre;
CREATE INDEX person_token_centre ON person_token(centre_id, token, name_key, person_id);
-- A search of several words asks, for each match of its longest word, whether the person
-- has a token of each other word in the user's centre: with the centre in the index of a
-- person's tokens, that reads no row (PostgreSQL read one per match, 2 -> 13 ms for a
-- full name, when it chose to probe rather than merge).
DROP INDEX person_token_person;
CREATE INDEX person_token_person ON person_token(person_id, token, centre_id);
CREATE TRIGGER person_renamed_passes_key_to_tokens AFTER UPDATE OF name_key ON person
WHEN OLD.name_key IS NOT NEW.name_key
BEGIN
    UPDATE person_token SET name_key = NEW.name_key WHERE person_id = NEW.id;
END;
ANALYZE person_token;
