-- `phone` searches compare digits (the last ten at most), however the number was punctuated. New writes
-- index a phone's digits beside its text; this adds them for the numbers already indexed.
INSERT INTO fhir_sp_token (tenant_id, resource_type, resource_id, code, system, value, display, of_type)
SELECT tenant_id, resource_type, resource_id, code, system, digits, NULL, NULL
  FROM (SELECT t.*, right(regexp_replace(t.value, '[^0-9]', '', 'g'), 10) AS digits
          FROM fhir_sp_token t
         WHERE t.code = 'phone' AND t.value IS NOT NULL) phones
 WHERE length(digits) >= 7 AND digits <> value;
