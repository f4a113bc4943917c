"""SHACL shapes of kg graphs, shipped as package data (kg.shapes)."""
