"""The write path: read a file (readers), parse it into parts, tables, sheets and glossary (parse), extract every
figure (extract), check the document against itself (checks), chunk it (chunk) and index it (build)."""
