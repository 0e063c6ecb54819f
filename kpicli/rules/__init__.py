"""The settings (kpicli.toml): the model with its defaults, validation, and rules as text."""
