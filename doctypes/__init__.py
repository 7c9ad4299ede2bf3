"""Business doctypes: each package has model, schema, service, api and jobs modules as it needs."""
