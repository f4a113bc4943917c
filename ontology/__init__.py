"""Turtle files of the kg ontology, shipped as package data (kg.ontology)."""
