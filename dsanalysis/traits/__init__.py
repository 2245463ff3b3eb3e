"""Dataset traits: per-image descriptors (quality, face geometry, skin tone, optional deepface attributes)
and per-dataset traits (size, balance, distributions, diversity, real-vs-fake differences, distances).

Never imports TensorFlow, deepface, jinja2 or matplotlib at import time; the face detector and
deepface load inside worker processes.
"""
