-- Estimator v3: the voice rate scales complaints raised at the table or
-- told to staff, so its default is the frontline one (about 50%, within
-- 25%–75%: TARP 1999/2005), not the 4% that reaches head office.
-- Restaurants still on v2's default (1%, 4%, 5%) move to it; one an owner
-- set keeps theirs. New restaurants get it from the code. The day cache is
-- emptied: a day now counts what reached the owners too. The same SQL on
-- both engines.
UPDATE restaurants SET voice_low_bp = 2500, voice_central_bp = 5000, voice_high_bp = 7500
	WHERE voice_low_bp = 100 AND voice_central_bp = 400 AND voice_high_bp = 500;
DELETE FROM day_stats;
