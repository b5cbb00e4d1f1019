"""The Class dashboard page: the teacher's live view of their class (listed only for a teacher's session)."""
