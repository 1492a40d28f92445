"""Pages of the duty archive: staff pages (records, meetings, assessment, archive) and the deputy's phone (mobile)."""
