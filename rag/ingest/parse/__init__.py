"""SourceText → Document: lines and parts (document), title, department and year (meta), tables and their
units (tables, cells), one performance-target sheet per project (targets)."""
