"""The web app: one more thin adapter on the services, like the CLI."""
