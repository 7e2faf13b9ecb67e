"""Tests of core/latent/."""
