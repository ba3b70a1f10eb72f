"""inventory: one source of truth for stock, reserved atomically, never oversold."""
