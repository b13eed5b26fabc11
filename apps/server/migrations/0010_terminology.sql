-- Terminology: the code systems Meridian ships (ICD-10-CM, LOINC, CVX, UCUM) and those an operator imports,
-- with their concepts. Platform-wide like the FHIR definitions: shared by every tenant, written only by the
-- schema owner (boot seeding, `meridian terminology import`), read by meridian_app.

CREATE TABLE terminology_code_system (
  url text PRIMARY KEY,
  name text NOT NULL,
  title text NOT NULL,
  version text NOT NULL,
  -- 'shipped' (loaded at boot from the data Meridian carries) or 'imported' (an operator's release).
  source text NOT NULL CHECK (source IN ('shipped', 'imported')),
  -- Whether concepts have parents (ICD-10-CM categories), so is-a expansions and :below make sense.
  hierarchical boolean NOT NULL DEFAULT false,
  concept_count integer NOT NULL DEFAULT 0,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE terminology_concept (
  system text NOT NULL REFERENCES terminology_code_system (url) ON DELETE CASCADE,
  code text NOT NULL,
  display text NOT NULL,
  -- The code of the parent concept in the same system, if any.
  parent text,
  -- Not meant to be recorded (an ICD-10-CM category or header that has more specific codes).
  abstract boolean NOT NULL DEFAULT false,
  -- Deprecated or retired in its release (LOINC DEPRECATED, CVX Inactive): still looked up, flagged.
  inactive boolean NOT NULL DEFAULT false,
  -- Other properties of the release (LOINC class, CVX status, a Meridian grouping such as 'lab-panel').
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (system, code)
);

-- Type-ahead: a code prefix (case-insensitive) ...
CREATE INDEX terminology_concept_code_prefix ON terminology_concept (system, lower(code) text_pattern_ops);
-- ... or words of the display starting with what was typed ('diab mell' finds 'Type 2 diabetes mellitus').
-- Punctuation becomes spaces first, so 'Mass/volume' is two words, not one path-like token.
CREATE INDEX terminology_concept_words ON terminology_concept
  USING gin (to_tsvector('simple', regexp_replace(display, '[^[:alnum:]]+', ' ', 'g')));
CREATE INDEX terminology_concept_parent ON terminology_concept (system, parent);

GRANT SELECT ON terminology_code_system, terminology_concept TO meridian_app;
