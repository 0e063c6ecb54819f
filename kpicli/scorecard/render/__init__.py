"""How a scorecard is shown: result workbook, forms, per-person files, annual, terminal."""
