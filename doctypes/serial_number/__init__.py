"""Serial numbers: the units a manufacturer made, registered by customers to start a warranty."""
