"""Tests of core/benchmark/."""
