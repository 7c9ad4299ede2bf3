"""Registrations (ProductCares): a customer's product registration through a form; a
registration naming a serial number activates that unit's warranty."""
