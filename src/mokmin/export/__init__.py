"""Export finished documents to office formats (Word .docx)."""

from mokmin.export.docx import write_press_release_docx

__all__ = ["write_press_release_docx"]
