"""Tests of core/sampling/."""
