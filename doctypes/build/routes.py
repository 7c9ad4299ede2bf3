"""Racko's builds (seeds/002): GET and POST /v2/builds, GET /v2/builds/{build}, and completing
one (POST .../complete: components consumed and units produced in one transaction)."""

from __future__ import annotations

from doctypes.item.racko import RACKO
from traciqo_rpc.rest import RestRoute

list_builds = RestRoute("doctypes.build.api.list_builds", RACKO)
create_build = RestRoute("doctypes.build.api.create_build", RACKO, status=201)
get_build = RestRoute("doctypes.build.api.get_build", RACKO)
complete_build = RestRoute("doctypes.build.api.complete_build", RACKO)
