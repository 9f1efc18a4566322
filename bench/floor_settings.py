"""Settings of the rush's floor server (bench/rush.py): the project's own settings, middleware and database, with
the fill page's URL answered by a view that does no work (bench/floor_urls.py). Not for deployment."""

from minsheng.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
