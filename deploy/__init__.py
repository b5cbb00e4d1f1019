"""Serving a classroom: several Streamlit replicas behind nginx, with sticky sessions.

`deploy.nginx` renders the one nginx site (`nginx-site.conf.template`); `deploy.classroom`
starts N replicas and nginx on this machine (`python -m deploy.classroom --replicas 2`).
"""
