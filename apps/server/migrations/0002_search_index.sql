-- Search: the extra columns and indexes the search engine needs on top of the index tables of 0001.

-- `identifier:of-type`: the Identifier.type coding ('system|code') beside the identifier's own token.
ALTER TABLE fhir_sp_token ADD COLUMN of_type text;
CREATE INDEX fhir_sp_token_of_type ON fhir_sp_token (tenant_id, resource_type, code, of_type, value)
  WHERE of_type IS NOT NULL;
-- `:text` on tokens matches words inside the display text.
CREATE INDEX fhir_sp_token_display_trgm ON fhir_sp_token USING gin (display gin_trgm_ops);

-- `:exact` on strings compares the value as written.
CREATE INDEX fhir_sp_string_exact ON fhir_sp_string (tenant_id, resource_type, code, exact);

-- References to URLs outside this server (canonicals, other servers, urn:uuid).
CREATE INDEX fhir_sp_reference_url ON fhir_sp_reference (tenant_id, resource_type, code, url)
  WHERE url IS NOT NULL;

-- Default sort and keyset paging run on (type, id) of live resources.
CREATE INDEX fhir_resource_live ON fhir_resource (tenant_id, resource_type, id) WHERE NOT deleted;

-- Date searches bounded from above (lt, le, eb) read the high end first.
CREATE INDEX fhir_sp_date_high ON fhir_sp_date (tenant_id, resource_type, code, high);
