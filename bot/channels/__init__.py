"""Channel connectors: Rasa's own, fixed or hardened where needed."""
