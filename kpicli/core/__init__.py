"""What every layer shares: problems and errors, exact arithmetic, the words and the name rule."""
