"""Tests of core/isolation/."""
