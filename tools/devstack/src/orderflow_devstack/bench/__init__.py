"""`orderflow bench`: how fast orderflow routes orders, against this machine's own ceiling."""
