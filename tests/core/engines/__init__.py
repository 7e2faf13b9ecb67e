"""Tests of core/engines/."""
