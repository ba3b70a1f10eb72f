"""orderflow's benchmarks: one module per kind of case, run by `orderflow-bench` (cli.py).

ceiling.py       `ceiling`: a plain Kafka relay, the machine's limit every hop stays under
pipeline.py      `pipeline` (order to pick task) and `scale-out`, and the saturated run they
                 share with `lifecycle`
lifecycle.py     `lifecycle`: orders until the customer is told "delivered"
latency.py       `latency` at 100 orders/s, and `hops`: where the time goes nearly idle
inventory.py     `flash-sale` (against row_lock.py's baseline) and `inventory` (hot vs spread SKU)
planning.py      `planning`: routing's CPU per order as its network grows to 50 x 200

Plumbing: system.py (the system under test and the bench session), load.py (driving orders,
watching topics), reservations.py (driving inventory alone), meter.py (CPU and memory),
figures.py (arithmetic, targets, the table and JSON), compare.py (two runs side by side)."""
