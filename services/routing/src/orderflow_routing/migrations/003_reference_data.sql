-- Reference data as data (issue 16): every version of routing's locations, carrier services,
-- rate cards and weights, validated before it is stored; the latest is the one in use, by
-- every instance, from its next order on. `source` says whether the seller setup file or an
-- operator (through the API, with `changed_by` and `note`) made it.
CREATE TABLE reference_versions (
    version     int PRIMARY KEY,
    body        jsonb NOT NULL,
    source      text NOT NULL CHECK (source IN ('setup', 'api')),
    changed_by  text NOT NULL DEFAULT '',
    note        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Shipments planned per location and (UTC) day: the capacity each location has left today.
CREATE TABLE location_load (
    location_id  text NOT NULL,
    day          date NOT NULL,
    shipments    int  NOT NULL,
    PRIMARY KEY (location_id, day)
);

-- The reference data lives in reference_versions now; these copies were written, never read.
DROP TABLE rates;
DROP TABLE products;
DROP TABLE locations;
