"""Tests of the hooks/ package."""
