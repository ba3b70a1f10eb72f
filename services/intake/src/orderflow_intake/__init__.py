"""intake: marketplace orders in, one canonical order out; abnormal orders held with a reason."""
