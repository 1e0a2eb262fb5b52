"""Configuration: the typed schema, lever configs, composition from files, checks, vocabulary.

The bottom layer: it imports nothing else of the project. Everything else reads its
parameters from the dataclasses here (``sim.config.schema.RunConfig`` and its parts).
"""
