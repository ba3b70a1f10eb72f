-- The KPIs (every /metrics scrape) and the what-if read decisions by the time they were made.
CREATE INDEX decisions_decided_at ON decisions (decided_at);
