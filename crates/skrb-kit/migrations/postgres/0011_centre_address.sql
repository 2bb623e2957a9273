-- The centre's postal address: the letterhead of its decisions and letters.
ALTER TABLE centre ADD COLUMN address TEXT;

-- The catalogue's parameters are named in the reader's language (the words
-- rights-param-*); the English notes seeded with them said the same in one language only.
UPDATE right_param SET note = NULL WHERE note IN (
    'OZMD',
    'OZMD from 1 Mar 2026, DSP and VD paid at it from 1 Apr 2026',
    'five monthly minimum incomes a year',
    'to be checked against ZSVarPre 53',
    'average net wage of the previous year',
    'one base at most'
);
