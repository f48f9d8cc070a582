"""Runtime glue for the RIF/RM patient assistant: custom NLU components,
the project's spaCy pipeline and (later) channel connectors."""
