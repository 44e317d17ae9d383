"""Writers turn findings or models into text or bytes; they make no decisions."""
