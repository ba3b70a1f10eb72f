-- History rows of one transaction share their `at`: an identity keeps the order they were written in.
ALTER TABLE shipment_history ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
