"""Tests of core/scaling/."""
