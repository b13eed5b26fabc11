-- Each date index row names the patient its resource belongs to (the resource's `patient` search
-- parameter), so "this patient's observations, newest first" walks one index in order and stops after a
-- page instead of sorting everything the patient has. A resource in several patients' compartments has
-- one row per patient and date value; a resource in none keeps patient_id NULL. Searches that use the
-- date rows for min/max or EXISTS are unaffected by the repetition.
ALTER TABLE fhir_sp_date ADD COLUMN patient_id text;

INSERT INTO fhir_sp_date (tenant_id, resource_type, resource_id, code, low, high, patient_id)
SELECT d.tenant_id, d.resource_type, d.resource_id, d.code, d.low, d.high, p.target_id
  FROM fhir_sp_date d
  JOIN (SELECT DISTINCT tenant_id, resource_type, resource_id, target_id
          FROM fhir_sp_reference
         WHERE code = 'patient' AND target_id IS NOT NULL) p
    ON p.tenant_id = d.tenant_id AND p.resource_type = d.resource_type AND p.resource_id = d.resource_id
 WHERE d.patient_id IS NULL;

DELETE FROM fhir_sp_date d
 WHERE d.patient_id IS NULL
   AND EXISTS (SELECT 1 FROM fhir_sp_reference p
                WHERE p.tenant_id = d.tenant_id AND p.resource_type = d.resource_type
                  AND p.resource_id = d.resource_id AND p.code = 'patient' AND p.target_id IS NOT NULL);

CREATE INDEX fhir_sp_date_patient ON fhir_sp_date
  (tenant_id, patient_id, resource_type, code, (coalesce(high, low)), resource_id)
  WHERE patient_id IS NOT NULL;
