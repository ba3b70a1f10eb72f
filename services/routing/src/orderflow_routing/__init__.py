"""routing: picks the location(s) and carrier service for each order, explainably."""
