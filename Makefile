# Thin wrapper around meson + ninja.
#   make        build build/passthru
#   make check  install missing test dependencies, build, run every test
#   make demo   install missing build dependencies, build, run passthru on the bundled example host
#   make lab    run only the QEMU lab scenarios (also part of `make check`)
#   make fuzz   build the libFuzzer targets with clang and fuzz each for FUZZ_SECONDS
#   make lint   the layering rules (scripts/lint-layers) and shellcheck (scripts/lint-shell)

BUILD ?= build
MESON_OPTS ?=
FUZZ_SECONDS ?= 30
DEMO_ROOT = tests/roots/guide-host

.PHONY: all check demo lab fuzz format format-check lint clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Golden cases are registered per file at configure time; reconfigure when the set changes.
$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

$(BUILD)/.cases: FORCE | $(BUILD)/build.ninja
	@ls tests/golden/cases/ tests/fuzz/corpus/ 2>/dev/null | cksum > $@.new
	@if ! cmp -s $@.new $@; then meson setup --reconfigure $(BUILD) $(MESON_OPTS) >/dev/null; mv $@.new $@; else rm -f $@.new; fi

check:
	scripts/install-deps check
	$(MAKE) $(BUILD)/.cases
	ninja -C $(BUILD)
	meson test -C $(BUILD) --print-errorlogs $(TESTS)

demo:
	scripts/install-deps build
	$(MAKE) all
	$(BUILD)/passthru --root $(DEMO_ROOT) list
	@echo
	$(BUILD)/passthru --root $(DEMO_ROOT) list --gpu
	@echo
	-$(BUILD)/passthru --root $(DEMO_ROOT) check
	@echo
	$(BUILD)/passthru --root $(DEMO_ROOT) plan 01:00
	@echo
	$(BUILD)/passthru --root $(DEMO_ROOT) vm plan 105 01:00

lab: all
	meson test -C $(BUILD) --print-errorlogs --suite lab

fuzz:
	scripts/install-deps ci
	CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-fuzz
	scripts/run-fuzzers build-fuzz $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

lint:
	scripts/lint-layers
	scripts/lint-shell

clean:
	rm -rf $(BUILD)

FORCE:
