"""Synthetic face datasets: procedural faces and face-swap-style fakes, seeded and deterministic.

Used by the built-in demo and by tests that need images with planted properties (skin tone, pose,
compression, resolution, artifact strength) whose effect on detection is known in advance.
"""
