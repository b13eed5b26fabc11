-- Search: the extra columns and indexes the search engine needs on top of the index tables of 0001.

-- Searches run as meridian_app under row-level security, where PostgreSQL never uses a trigram index
-- for LIKE (the operator is not leakproof). The index of 0001 only slowed every write, so it goes.
DROP INDEX IF EXISTS fhir_sp_string_trgm;

-- `identifier:of-type`: the Identifier.type coding ('system|code') beside the identifier's own token.
ALTER TABLE fhir_sp_token ADD COLUMN of_type text;
CREATE INDEX fhir_sp_token_of_type ON fhir_sp_token (tenant_id, resource_type, code, of_type, value)
  WHERE of_type IS NOT NULL;

-- References to URLs outside this server (canonicals, other servers, urn:uuid).
CREATE INDEX fhir_sp_reference_url ON fhir_sp_reference (tenant_id, resource_type, code, url)
  WHERE url IS NOT NULL;
