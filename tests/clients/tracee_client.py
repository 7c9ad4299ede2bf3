# Tracee's Python client, verbatim from the "Python Integration" section of Tracee's documentation
# (the seed /work/shared/seeds/003, "Here's a simple Python client for Tracee"): documentation
# code integrators copy, run here unchanged (only broken into lines as the page shows it) by
# tests/clients/test_tracee_clients.py. Its imports keep the page's order.
# ruff: noqa: I001
import requests
import os

class TraceeClient:
    def __init__(self, api_key=None, base_url="https://tracee.app"):
        self.api_key = api_key or os.environ.get("TRACEE_API_KEY")
        self.base_url = base_url
        self.headers = {
            "X-API-Key": self.api_key,
            "Content-Type": "application/json"
        }

    def create_tracker(self, name, template=None):
        """Create a new tracker."""
        data = {"name": name}
        if template:
            data["template"] = template
        response = requests.post(
            f"{self.base_url}/api/v1/trackers/",
            json=data,
            headers=self.headers
        )
        response.raise_for_status()
        return response.json()

    def update_status(self, tracker_id, process, action):
        """Update tracker status. Action is 'start' or 'complete'."""
        response = requests.post(
            f"{self.base_url}/api/v1/trackers/{tracker_id}/status/",
            json={"process": process, "action": action},
            headers=self.headers
        )
        response.raise_for_status()
        return response.json()

    def get_tracker(self, tracker_id):
        """Get tracker details."""
        response = requests.get(
            f"{self.base_url}/api/v1/trackers/{tracker_id}/",
            headers=self.headers
        )
        response.raise_for_status()
        return response.json()
