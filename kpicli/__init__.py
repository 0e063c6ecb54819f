"""kpicli — validates, scores and ranks assessment workbooks of the kinds registered in kpicli.kinds."""

__version__ = "0.1.0"
