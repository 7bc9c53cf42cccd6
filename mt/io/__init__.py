"""The file and error layer every stage shares: strict reading, atomic writing, `DariError`."""
