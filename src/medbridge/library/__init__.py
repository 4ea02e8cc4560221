"""The dynamic library of research outcomes (成果库): storage, versions, grading, classification."""
