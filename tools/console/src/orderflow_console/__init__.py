"""The operators web console."""
