"""Alembic migrations; shipped as a package so `python -m bot migrate` finds them anywhere."""
