from hypothesis import settings

# No example database on disk (the suite runs with -p no:cacheprovider and a read-only tree is
# fine); no deadline because the first call of a tally warms up caches.
settings.register_profile("voting", database=None, deadline=None, max_examples=150)
settings.load_profile("voting")
