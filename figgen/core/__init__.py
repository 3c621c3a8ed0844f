"""Infrastructure shared by all figures: where data lives, how it is hashed, modes, style."""
