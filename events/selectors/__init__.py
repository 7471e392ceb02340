"""Reads of the catalogue, one module per audience: organizer.py, public.py, seating.py."""
