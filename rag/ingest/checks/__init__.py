"""Document + facts → findings. `base` holds the collector and shared helpers; each other module is one family
of checks; `run` holds the registry that runs them in order."""
