"""Studies: the whole procedure (ingest, split, train, evaluate, traits, analyses, report) from one
TOML study file, as units of work with deterministic keys so an interrupted study resumes."""
