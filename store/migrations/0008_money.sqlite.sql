-- Money in the currency's minor units. Amounts were read as hundredths of the
-- currency whatever it was, so a ¥1,200 comp was stored as 120000 and a
-- 12.500-dinar one as 1250. The column takes its true name, and the amounts of
-- restaurants whose currency has no decimals, or three, are put right. An
-- amount the old reading could not have made (yen not in whole hundreds) is
-- left as it is: nothing already right is converted. Exponents are those of
-- Unicode CLDR, which store.Exponent reads from golang.org/x/text/currency.

ALTER TABLE alerts RENAME COLUMN amount_cents TO amount_minor;

UPDATE alerts SET amount_minor = amount_minor / 100
WHERE amount_minor IS NOT NULL AND amount_minor % 100 = 0
	AND restaurant_id IN (SELECT id FROM restaurants WHERE currency IN ('ADP', 'AFN', 'ALL', 'AMD', 'BIF', 'BYR',
		'CLP', 'COP', 'DJF', 'ESP', 'GNF', 'GYD', 'IDR', 'IQD', 'IRR', 'ISK', 'ITL', 'JPY', 'KMF', 'KPW', 'KRW',
		'LAK', 'LBP', 'LUF', 'MGA', 'MGF', 'MMK', 'MNT', 'MRO', 'MUR', 'PKR', 'PYG', 'RSD', 'RWF', 'SLL', 'SOS',
		'STD', 'SYP', 'TMM', 'TRL', 'TZS', 'UGX', 'UYI', 'UZS', 'VND', 'VUV', 'XAF', 'XOF', 'XPF', 'YER', 'ZMK',
		'ZWD'));

UPDATE alerts SET amount_minor = amount_minor * 10
WHERE amount_minor IS NOT NULL
	AND restaurant_id IN (SELECT id FROM restaurants WHERE currency IN ('BHD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'));

UPDATE alerts SET amount_minor = amount_minor * 100
WHERE amount_minor IS NOT NULL
	AND restaurant_id IN (SELECT id FROM restaurants WHERE currency = 'CLF');
