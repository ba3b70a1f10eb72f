"""Simulated partners (a marketplace, a warehouse, a carrier). They stand outside orderflow and
speak only its public topics; tests use their payload builders as factories."""
