-- Runs once, when the postgres container initialises an empty data directory
-- (/docker-entrypoint-initdb.d). One database per service, each owned by its own login role;
-- no service can connect to another's database.
--
-- Passwords come from the postgres container's environment (see docker-compose.yml), read
-- with psql's \getenv so none is written here. An unset variable leaves :'...' unexpanded,
-- which is a syntax error: ON_ERROR_STOP (set by the image) then aborts the init.

\getenv intake_password INTAKE_DB_PASSWORD
\getenv routing_password ROUTING_DB_PASSWORD
\getenv inventory_password INVENTORY_DB_PASSWORD
\getenv fulfillment_password FULFILLMENT_DB_PASSWORD
\getenv notifications_password NOTIFICATIONS_DB_PASSWORD

CREATE ROLE intake LOGIN PASSWORD :'intake_password';
CREATE DATABASE intake OWNER intake;
REVOKE ALL ON DATABASE intake FROM PUBLIC;

CREATE ROLE routing LOGIN PASSWORD :'routing_password';
CREATE DATABASE routing OWNER routing;
REVOKE ALL ON DATABASE routing FROM PUBLIC;

CREATE ROLE inventory LOGIN PASSWORD :'inventory_password';
CREATE DATABASE inventory OWNER inventory;
REVOKE ALL ON DATABASE inventory FROM PUBLIC;

CREATE ROLE fulfillment LOGIN PASSWORD :'fulfillment_password';
CREATE DATABASE fulfillment OWNER fulfillment;
REVOKE ALL ON DATABASE fulfillment FROM PUBLIC;

CREATE ROLE notifications LOGIN PASSWORD :'notifications_password';
CREATE DATABASE notifications OWNER notifications;
REVOKE ALL ON DATABASE notifications FROM PUBLIC;
