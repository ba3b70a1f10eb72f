"""The developer stack: `orderflow infra up`, `orderflow run` with its live screen."""
