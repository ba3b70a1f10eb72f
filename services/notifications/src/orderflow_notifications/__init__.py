"""notifications: tells the customer what happened, in their language, once per event."""
