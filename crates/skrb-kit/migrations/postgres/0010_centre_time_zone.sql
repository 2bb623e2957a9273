-- A centre works in its own calendar: deadlines, the month a right starts, pro-rating
-- and overdue tasks follow the centre's date, not UTC's (skrb_kit::clock). Slovenian
-- centres keep Ljubljana's time, those of Republika Srpska Sarajevo's.
ALTER TABLE centre ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Ljubljana';
UPDATE centre SET time_zone = 'Europe/Sarajevo' WHERE jurisdiction = 'RS';
