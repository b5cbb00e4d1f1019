"""The class store: what a class and its students keep across reloads, replicas and server restarts.

No Streamlit here (the pages in `ui/` call it): `database` opens the database a setting names,
`schema` holds its tables and their versioned upgrades, `classes` the classes, their teachers'
and students' tokens, `runs` the runs saved for a student. Outside a class nothing is stored.
"""
