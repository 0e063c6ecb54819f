"""Files in and out: gatekeeping, file kinds, the sheet scan, the calamine grid, atomic output, the zip-level graft."""
