# Shortcuts around ./dev.sh (which is what the README and CI use: make may be absent on a new machine).
.PHONY: help demo demo-lan test lint fmt messages docker-check
help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' Makefile | sed 's/:.*##/\t/'
demo:  ## venv + install + migrate + seeded demo, then Daphne on 127.0.0.1:8000
	./dev.sh demo
demo-lan:  ## the same, reachable from phones on this network (the QR code carries its address)
	./dev.sh demo --lan
test:  ## the whole suite on SQLite + in-memory, then on PostgreSQL + Redis
	./dev.sh test
lint:  ## ruff, migrations and Django checks
	.venv/bin/ruff check . && .venv/bin/python manage.py makemigrations --check --dry-run && .venv/bin/python manage.py check
fmt:  ## format the code
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .
messages:  ## refresh and compile the translation files
	.venv/bin/python manage.py makemessages -l en -l fr --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*' --ignore 'data/*' --ignore 'staticfiles/*' && .venv/bin/python locale/check_catalogs.py && .venv/bin/python manage.py compilemessages --ignore '.venv/*'
docker-check:  ## validate compose, nginx and shell files without an engine (docker/check.sh)
	docker/check.sh
