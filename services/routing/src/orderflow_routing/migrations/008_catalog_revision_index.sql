-- Every poll asks for the catalog's latest revision (use_cases.References): an index lookup,
-- however many products the catalog holds.
CREATE INDEX catalog_products_revision ON catalog_products (revision);
