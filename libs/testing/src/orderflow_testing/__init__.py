"""The test harness: real broker and PostgreSQL (embedded, external or testcontainers),
a namespace per test, services started in-process, an SMTP sink, a reader for topics."""
