"""The staff web app and the public site: templates, static assets, page views."""
