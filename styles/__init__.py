"""Built-in figure themes (YAML); see README.md in this folder."""
