"""Example FastAPI app: the stand-in for a user's app in the integration tests.

It reads only the backend's contract variables (DATABASE_URL, S3_*, REDIS_URL,
PORT) plus its own APP_MODE, LOG_LEVEL and SECRET_KEY; see images/README.md.
"""
