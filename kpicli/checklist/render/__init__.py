"""How a checklist is shown: result workbook, template, annual, terminal."""
