"""Tests of core/experiment/."""
