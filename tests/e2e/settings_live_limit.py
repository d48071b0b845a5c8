"""Settings of the e2e server that checks live results above the per-ballot limit: ballot events
carry recounted results for one ballot only, so screens must ask with `vote.results`."""

from tests.e2e.settings_e2e import *  # noqa: F403

VOTE_LIVE_RESULTS_MAX_BALLOTS = 1
